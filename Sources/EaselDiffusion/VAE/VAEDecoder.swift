import EaselTensor

/// diffusers' VAE `Decoder` (`norm_type` "group"): `conv_in` from the latents to the deepest channels, the mid
/// block, one `UpDecoderBlock2D` per level from the deepest (`layers_per_block + 1` resnets, then a nearest x2
/// `Upsample2D` except on the last), then `conv_norm_out`, SiLU and `conv_out` to `out_channels`.
public struct VAEDecoder: Sendable {
    /// diffusers' `UpDecoderBlock2D`: resnets, then an optional upsampler.
    public struct UpBlock: Sendable {
        public var resnets: [ResnetBlock2D]
        public var upsampler: Upsample2D?

        public func callAsFunction(_ x: Tensor) -> Tensor {
            var h = x
            for resnet in resnets { h = resnet(h) }
            if let upsampler { h = upsampler(h) }
            return h
        }
    }

    public var convIn: Conv2D
    public var midBlock: VAEMidBlock
    public var upBlocks: [UpBlock]
    public var convNormOut: GroupNorm
    public var convOut: Conv2D

    /// Loads the decoder from `loader` (the scope of `decoder`); `config` must be valid.
    public init(loading loader: WeightLoader, config: AutoencoderKLConfig) throws {
        let reversed = Array(config.blockOutChannels.reversed())
        let groups = config.normNumGroups
        let epsilon = VAEEncoder.epsilon
        convIn = try Conv2D(
            loading: loader.scope("conv_in"), inChannels: config.latentChannels, outChannels: reversed[0], kernel: 3,
            padding: 1)
        midBlock = try VAEMidBlock(
            loading: loader.scope("mid_block"), channels: reversed[0], groups: groups,
            addAttention: config.midBlockAddAttention)
        var blocks: [UpBlock] = []
        var inChannels = reversed[0]
        for (level, outChannels) in reversed.enumerated() {
            let scope = loader.scope("up_blocks").scope(String(level))
            let resnets = try (0...config.layersPerBlock).map { layer in
                try ResnetBlock2D(
                    loading: scope.scope("resnets").scope(String(layer)),
                    inChannels: layer == 0 ? inChannels : outChannels, outChannels: outChannels,
                    timeEmbeddingChannels: nil, groups: groups, epsilon: epsilon)
            }
            let upsampler = level == reversed.count - 1 ? nil
                : try Upsample2D(loading: scope.scope("upsamplers").scope("0"), channels: outChannels)
            blocks.append(UpBlock(resnets: resnets, upsampler: upsampler))
            inChannels = outChannels
        }
        upBlocks = blocks
        let shallowest = config.blockOutChannels[0]
        convNormOut = try GroupNorm(
            loading: loader.scope("conv_norm_out"), groups: groups, channels: shallowest, epsilon: epsilon)
        convOut = try Conv2D(
            loading: loader.scope("conv_out"), inChannels: shallowest, outChannels: config.outChannels, kernel: 3,
            padding: 1)
    }

    /// `latents` `[N, latent_channels, h, w]` (after `post_quant_conv`) -> `[N, out_channels, h * f, w * f]`.
    public func callAsFunction(_ latents: Tensor) -> Tensor {
        var h = midBlock(convIn(latents))
        for block in upBlocks { h = block(h) }
        return convOut(silu(convNormOut(h)))
    }
}
