import EaselTensor

/// The encoder half of a UNet: the time embedding, `conv_in`, the down blocks and the mid block, under the names
/// `UNet2DConditionModel` and `ControlNetModel` both give them (`time_embedding`, `conv_in`, `down_blocks.*`,
/// `mid_block`). The UNet runs it before its up path; a ControlNet is this half plus a conditioning embedding
/// (added to `conv_in`'s output, see `callAsFunction`'s `inputAddition`) and zero convolutions on its outputs.
public struct UNetEncoder: Sendable {
    public var timeEmbedding: TimestepEmbedding
    public var convIn: Conv2D
    public var downBlocks: [UNetDownBlock]
    public var midBlock: UNetMidBlock2DCrossAttn

    /// What the encoder hands on: what the up path (or a ControlNet's zero convolutions) consumes.
    public struct Output: Sendable {
        /// `[N, time_embedding_dim]`, the same row for every batch entry.
        public var timeEmbedding: Tensor
        /// diffusers' `down_block_res_samples`: `conv_in`'s output (plus `inputAddition`), then each down block's
        /// resnet/attention outputs and downsampler output, in order (12 for SD 1.x).
        public var skips: [Tensor]
        /// The mid block's output.
        public var sample: Tensor
    }

    /// Builds the encoder from a validated config's levels, reading weights from `loader`'s root scope.
    init(config: UNet2DConditionConfig, levels: UNetLevels, loading loader: WeightLoader) throws {
        timeEmbedding = try TimestepEmbedding(
            loading: loader.scope("time_embedding"), projectionWidth: levels.blockOutChannels[0],
            embeddingWidth: levels.timeEmbeddingDim, flipSinToCos: config.flipSinToCos, freqShift: config.freqShift)
        convIn = try Conv2D(
            loading: loader.scope("conv_in"), inChannels: config.inChannels, outChannels: levels.blockOutChannels[0],
            kernel: config.convInKernel, padding: (config.convInKernel - 1) / 2)
        downBlocks = try (0..<levels.count).map { level in
            try UNetDownBlock(loading: loader.scope("down_blocks.\(level)"), config: config, levels: levels, level: level)
        }
        midBlock = try UNetMidBlock2DCrossAttn(loading: loader.scope("mid_block"), config: config, levels: levels)
    }

    /// Builds the encoder half of `config` from `loader` (a UNet's or a ControlNet's root scope). Only the
    /// encoder's settings are checked, so a ControlNet's `config.json` decoded as a `UNet2DConditionConfig` (its
    /// encoder keys are spelled and defaulted as the UNet's; `up_block_types` is absent) builds. Tensors outside
    /// the encoder are left for the caller (`WeightLoader.checkAllUsed`).
    public init(config: UNet2DConditionConfig, loading loader: WeightLoader) throws {
        try self.init(config: config, levels: config.levels(encoderOnly: true), loading: loader)
    }

    /// - Parameters:
    ///   - sample: `[N, in_channels, H, W]` latents.
    ///   - timestep: one timestep for every row; fractional values are used as they are (rounded to float32,
    ///     as diffusers does).
    ///   - encoderHiddenStates: `[N, S, cross_attention_dim]` text embeddings.
    ///   - inputAddition: added to `conv_in`'s output before the down blocks (a ControlNet's
    ///     `controlnet_cond_embedding` output, `[N, block_out_channels[0], H, W]`).
    public func callAsFunction(
        _ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor, inputAddition: Tensor? = nil
    ) -> Output {
        precondition(sample.rank == 4 && encoderHiddenStates.rank == 3 && encoderHiddenStates.shape[0] == sample.shape[0],
                     "UNet: sample \(sample.shape) and encoder hidden states \(encoderHiddenStates.shape) must be [N, C, H, W] and [N, S, D]")
        let time = timeEmbedding(timestep: timestep, batch: sample.shape[0])
        var h = convIn(sample)
        if let inputAddition { h += inputAddition }
        var skips = [h]
        for block in downBlocks {
            h = block(h, timeEmbedding: time, context: encoderHiddenStates, skips: &skips)
        }
        h = midBlock(h, timeEmbedding: time, context: encoderHiddenStates)
        return Output(timeEmbedding: time, skips: skips, sample: h)
    }
}
