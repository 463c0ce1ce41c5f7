import EaselTensor

/// A ControlNet, diffusers' `ControlNetModel`: a copy of the UNet's encoder (`UNetEncoder`: time embedding,
/// `conv_in`, down blocks, mid block) whose `conv_in` output has the condition image's embedding
/// (`ControlNetConditioningEmbedding`) added, and one 1x1 convolution per output (`controlnet_down_blocks.i` on
/// each skip tensor, `controlnet_mid_block` on the mid block's output; zero-initialised in training). Its outputs,
/// scaled, are the `UNetControlResiduals` a `UNet2DConditionModel` adds to its skip tensors and mid block.
///
/// Built from a `ControlNetConfig` and weights in diffusers naming (a diffusers controlnet folder, or a v1.1
/// single file renamed by `LDMSingleFile`; see `ControlNetModel+Loading`).
public struct ControlNetModel: Sendable {
    public let config: ControlNetConfig
    public var conditioningEmbedding: ControlNetConditioningEmbedding
    public var encoder: UNetEncoder
    /// `controlnet_down_blocks`: one 1x1 conv per skip tensor (12 for SD 1.x/2.x).
    public var downZeroConvolutions: [Conv2D]
    /// `controlnet_mid_block`.
    public var midZeroConvolution: Conv2D

    /// Builds the model from `config` and every tensor of `weights`: a missing or mis-shaped tensor, or one the
    /// model does not use, is a `WeightError` naming it; a config Easel does not implement is
    /// `WeightError.invalidConfiguration` naming the setting.
    public init(config: ControlNetConfig, weights: any TensorStore) throws {
        let loader = WeightLoader(weights)
        try self.init(config: config, loading: loader)
        try loader.checkAllUsed()
    }

    /// Builds the model from `config`, reading its weights from `loader`'s scope; leftovers are not checked.
    public init(config: ControlNetConfig, loading loader: WeightLoader) throws {
        let levels = try config.levels()
        self.config = config
        conditioningEmbedding = try ControlNetConditioningEmbedding(
            loading: loader.scope("controlnet_cond_embedding"), conditioningChannels: config.conditioningChannels,
            widths: config.conditioningEmbeddingOutChannels, outChannels: levels.blockOutChannels[0])
        encoder = try UNetEncoder(config: config.encoder, levels: levels, loading: loader)
        // One zero conv per skip tensor, in the encoder's order: conv_in's output, then per level its resnets'
        // outputs and (except on the last level) its downsampler's.
        var widths = [levels.blockOutChannels[0]]
        for level in 0..<levels.count {
            let channels = levels.blockOutChannels[level]
            widths += Array(repeating: channels, count: levels.layersPerBlock[level])
            if level < levels.count - 1 { widths.append(channels) }
        }
        let downScope = loader.scope("controlnet_down_blocks")
        downZeroConvolutions = try widths.enumerated().map { index, channels in
            try Conv2D(loading: downScope.scope("\(index)"), inChannels: channels, outChannels: channels, kernel: 1)
        }
        let midChannels = levels.blockOutChannels[levels.count - 1]
        midZeroConvolution = try Conv2D(
            loading: loader.scope("controlnet_mid_block"), inChannels: midChannels, outChannels: midChannels, kernel: 1)
    }

    /// Residuals the model returns: one per down residual plus the mid one (13 for SD 1.x/2.x); the length of
    /// the `scales` list `callAsFunction(_:timestep:encoderHiddenStates:condition:scales:)` takes.
    public var residualCount: Int { downZeroConvolutions.count + 1 }

    /// diffusers' per-residual factors for `conditioning_scale` and `guess_mode`: all `conditioningScale`, or in
    /// guess mode `logspace(-1, 0, residualCount) * conditioningScale`; a pooled model
    /// (`global_pool_conditions`) ignores guess mode's ramp, as diffusers does.
    public func residualScales(conditioningScale: Float = 1, guessMode: Bool = false) -> [Float] {
        guessMode && !config.globalPoolConditions
            ? ControlNetResidualScales.guessMode(conditioningScale, count: residualCount)
            : ControlNetResidualScales.uniform(conditioningScale, count: residualCount)
    }

    /// The residuals for latents `sample` `[N, in_channels, H, W]` at `timestep`, text embeddings
    /// `encoderHiddenStates` `[N, S, cross_attention_dim]` and the condition image `condition`
    /// `[N, conditioning_channels, 8H, 8W]` in [0, 1] (RGB, not normalised), as diffusers'
    /// `ControlNetModel.forward(..., conditioning_scale, guess_mode)`.
    ///
    /// Guess mode here is only the model's part (the logspace ramp); running the net on the conditional half
    /// of a guided batch and giving the unconditional half zero residuals is the pipeline's.
    /// Throws `ControlNetInputError` when the shapes do not fit the model.
    public func callAsFunction(
        _ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor, condition: Tensor,
        conditioningScale: Float = 1, guessMode: Bool = false
    ) throws -> UNetControlResiduals {
        try self(
            sample, timestep: timestep, encoderHiddenStates: encoderHiddenStates, condition: condition,
            scales: residualScales(conditioningScale: conditioningScale, guessMode: guessMode))
    }

    /// The residuals with residual `i` multiplied by `scales[i]` (the last factor for the mid residual): diffusers'
    /// scaling with any factors, e.g. `ControlNetResidualScales.softInjection` for the A1111 control modes.
    /// With `global_pool_conditions` each scaled residual is then averaged over its height and width (and, unlike
    /// diffusers' `[N, C, 1, 1]`, spread back over the skip tensor's size, which gives the UNet the same sums).
    public func callAsFunction(
        _ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor, condition: Tensor, scales: [Float]
    ) throws -> UNetControlResiduals {
        try checkInputs(sample, encoderHiddenStates: encoderHiddenStates, condition: condition)
        guard scales.count == residualCount else {
            throw ControlNetInputError.scaleCount(actual: scales.count, expected: residualCount)
        }
        let embedding = conditioningEmbedding(condition)
        let encoded = encoder(sample, timestep: timestep, encoderHiddenStates: encoderHiddenStates, inputAddition: embedding)
        var down = zip(encoded.skips, downZeroConvolutions).enumerated().map { index, pair in
            pair.1(pair.0) * scales[index]
        }
        var mid = midZeroConvolution(encoded.sample) * scales[scales.count - 1]
        if config.globalPoolConditions {
            down = down.map(Self.spatialMean)
            mid = Self.spatialMean(mid)
        }
        return UNetControlResiduals(down: down, mid: mid)
    }

    /// Throws `ControlNetInputError` when `callAsFunction` could not run on these inputs: latents of another
    /// channel count, text embeddings of another width or batch, a condition image that is not the latents' size
    /// times `config.conditioningDownsamplingFactor` (or of another batch or channel count).
    public func checkInputs(_ sample: Tensor, encoderHiddenStates: Tensor, condition: Tensor) throws {
        switch encoder.inputProblem(sample, encoderHiddenStates: encoderHiddenStates) {
        case .sample(let inChannels)?: throw ControlNetInputError.sample(shape: sample.shape, inChannels: inChannels)
        case .encoderHiddenStates(let batch, let width)?:
            throw ControlNetInputError.encoderHiddenStates(shape: encoderHiddenStates.shape, batch: batch, width: width)
        case nil: break
        }
        let batch = sample.shape[0]
        let factor = config.conditioningDownsamplingFactor
        let expected = [batch, config.conditioningChannels, sample.shape[2] * factor, sample.shape[3] * factor]
        guard condition.shape == expected else {
            throw ControlNetInputError.condition(shape: condition.shape, expected: expected, factor: factor)
        }
    }

    /// `torch.mean(x, dim=(2, 3), keepdim=True)` broadcast back to `x`'s shape (each plane filled with its mean).
    static func spatialMean(_ x: Tensor) -> Tensor {
        var out = Tensor(zeros: x.shape)
        out += adaptiveAvgPool2d(x, outputSize: 1)
        return out
    }
}
