import EaselTensor

/// diffusers' VAE `Encoder` (`double_z` true): `conv_in`, one `DownEncoderBlock2D` per level (resnets, then a
/// stride-2 `Downsample2D` that pads (0, 1, 0, 1) except on the last level), the mid block, then
/// `conv_norm_out`, SiLU and `conv_out` to `2 * latent_channels` moments (mean and log-variance).
public struct VAEEncoder: Sendable {
    /// The epsilon of every group norm in the VAE (diffusers passes `resnet_eps=1e-6` and `eps=1e-6`).
    public static let epsilon: Float = 1e-6

    /// diffusers' `DownEncoderBlock2D`: `layers_per_block` resnets, then an optional downsampler.
    public struct DownBlock: Sendable {
        public var resnets: [ResnetBlock2D]
        public var downsampler: Downsample2D?

        public func callAsFunction(_ x: Tensor) -> Tensor {
            var h = x
            for resnet in resnets { h = resnet(h) }
            if let downsampler { h = downsampler(h) }
            return h
        }
    }

    public var convIn: Conv2D
    public var downBlocks: [DownBlock]
    public var midBlock: VAEMidBlock
    public var convNormOut: GroupNorm
    public var convOut: Conv2D

    /// Loads the encoder from `loader` (the scope of `encoder`); `config` must be valid.
    public init(loading loader: WeightLoader, config: AutoencoderKLConfig) throws {
        let channels = config.blockOutChannels
        let groups = config.normNumGroups
        convIn = try Conv2D(
            loading: loader.scope("conv_in"), inChannels: config.inChannels, outChannels: channels[0], kernel: 3,
            padding: 1)
        var blocks: [DownBlock] = []
        var inChannels = channels[0]
        for (level, outChannels) in channels.enumerated() {
            let scope = loader.scope("down_blocks").scope(String(level))
            let resnets = try (0..<config.layersPerBlock).map { layer in
                try ResnetBlock2D(
                    loading: scope.scope("resnets").scope(String(layer)),
                    inChannels: layer == 0 ? inChannels : outChannels, outChannels: outChannels,
                    timeEmbeddingChannels: nil, groups: groups, epsilon: Self.epsilon)
            }
            let downsampler = level == channels.count - 1 ? nil
                : try Downsample2D(loading: scope.scope("downsamplers").scope("0"), channels: outChannels, padding: 0)
            blocks.append(DownBlock(resnets: resnets, downsampler: downsampler))
            inChannels = outChannels
        }
        downBlocks = blocks
        let deepest = channels[channels.count - 1]
        midBlock = try VAEMidBlock(
            loading: loader.scope("mid_block"), channels: deepest, groups: groups,
            addAttention: config.midBlockAddAttention)
        convNormOut = try GroupNorm(
            loading: loader.scope("conv_norm_out"), groups: groups, channels: deepest, epsilon: Self.epsilon)
        convOut = try Conv2D(
            loading: loader.scope("conv_out"), inChannels: deepest, outChannels: 2 * config.latentChannels, kernel: 3,
            padding: 1)
    }

    /// `images` `[N, in_channels, H, W]` -> moments `[N, 2 * latent_channels, ceil(H / f), ceil(W / f)]`.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        var h = convIn(images)
        for block in downBlocks { h = block(h) }
        h = midBlock(h)
        return convOut(silu(convNormOut(h)))
    }
}
