import EaselTensor

/// The denoising UNet of SD 1.x / 2.x, diffusers' `UNet2DConditionModel`: predicts the noise (or v) of latents
/// `sample` at `timestep` under text embeddings, optionally with ControlNet residuals.
///
/// Built from a `UNet2DConditionConfig` and weights in diffusers naming (a `unet/` folder, or an LDM single
/// file's UNet renamed by `LDMSingleFile`). The encoder half (`encoder`) is a `UNetEncoder`, shared with the
/// ControlNet.
public struct UNet2DConditionModel: Sendable {
    public let config: UNet2DConditionConfig
    public var encoder: UNetEncoder
    public var upBlocks: [UNetUpBlock]
    public var outputNorm: GroupNorm
    public var convOut: Conv2D

    /// Builds the model from `config` and every tensor of `weights`: a missing or mis-shaped tensor, or one the
    /// model does not use, is an error naming it; a config Easel does not implement is
    /// `WeightError.invalidConfiguration` naming the setting.
    public init(config: UNet2DConditionConfig, weights: any TensorStore) throws {
        let loader = WeightLoader(weights)
        try self.init(config: config, loading: loader)
        try loader.checkAllUsed()
    }

    /// Builds the model from `config`, reading its weights from `loader`'s scope; leftovers are not checked.
    public init(config: UNet2DConditionConfig, loading loader: WeightLoader) throws {
        let levels = try config.levels()
        self.config = config
        encoder = try UNetEncoder(config: config, levels: levels, loading: loader)
        upBlocks = try (0..<levels.count).map { index in
            try UNetUpBlock(loading: loader.scope("up_blocks.\(index)"), config: config, levels: levels, index: index)
        }
        outputNorm = try GroupNorm(
            loading: loader.scope("conv_norm_out"), groups: levels.groups, channels: levels.blockOutChannels[0],
            epsilon: config.normEps)
        convOut = try Conv2D(
            loading: loader.scope("conv_out"), inChannels: levels.blockOutChannels[0], outChannels: config.outChannels,
            kernel: config.convOutKernel, padding: (config.convOutKernel - 1) / 2)
    }

    /// The model output for `sample` `[N, in_channels, H, W]` at one `timestep` for all rows (the pipeline's
    /// `[uncond, cond]` batch), `encoderHiddenStates` `[N, S, cross_attention_dim]`: `[N, out_channels, H, W]`.
    /// Any `H, W` works; sizes that do not halve evenly are upsampled back to the skip tensors' sizes, as diffusers
    /// does. `controlResiduals`, when given, are added to the skip tensors and to the mid block's output.
    /// Shapes are checked by preconditions here; `checkInputs` reports the same problems as thrown errors.
    public func callAsFunction(
        _ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor, controlResiduals: UNetControlResiduals? = nil
    ) -> Tensor {
        let input = config.centerInputSample ? sample * 2 - 1 : sample
        let encoded = encoder(input, timestep: timestep, encoderHiddenStates: encoderHiddenStates)
        var skips = encoded.skips
        var h = encoded.sample
        if let controlResiduals {
            precondition(controlResiduals.down.count == skips.count,
                         "UNet: \(controlResiduals.down.count) control residuals for \(skips.count) skip tensors")
            for index in skips.indices {
                precondition(controlResiduals.down[index].shape == skips[index].shape,
                             "UNet: control residual \(index) has shape \(controlResiduals.down[index].shape), expected \(skips[index].shape)")
                skips[index] += controlResiduals.down[index]
            }
            precondition(controlResiduals.mid.shape == h.shape,
                         "UNet: mid control residual has shape \(controlResiduals.mid.shape), expected \(h.shape)")
            h += controlResiduals.mid
        }
        // diffusers' forward_upsample_size: when H or W is not a multiple of 2^(number of upsamplers), each
        // upsampler resizes to its next skip tensor's size instead of doubling.
        let factor = 1 << (upBlocks.count - 1)
        let forwardsSize = sample.shape[2] % factor != 0 || sample.shape[3] % factor != 0
        for block in upBlocks {
            var size: (height: Int, width: Int)?
            if forwardsSize, block.upsampler != nil {
                // The skip tensor the next block will take first: after this block's own ones are used.
                let next = skips[skips.count - block.resnets.count - 1]
                size = (next.shape[2], next.shape[3])
            }
            h = block(h, skips: &skips, timeEmbedding: encoded.timeEmbedding, context: encoderHiddenStates, upsampleSize: size)
        }
        return convOut(silu(outputNorm(h)))
    }
}
