import EaselTensor

/// One level of the UNet's down path: diffusers' `CrossAttnDownBlock2D` (a `Transformer2DModel` after each
/// resnet) or `DownBlock2D` (resnets only; `attentions` empty), then a `Downsample2D` on every level but the
/// last. Each resnet's (or resnet + attention's) output and the downsampler's output are skip tensors for the
/// up path (and the places a ControlNet adds its residuals).
public struct UNetDownBlock: Sendable {
    public var resnets: [ResnetBlock2D]
    /// One per resnet in a `CrossAttnDownBlock2D`; empty in a `DownBlock2D`.
    public var attentions: [Transformer2DModel]
    public var downsampler: Downsample2D?

    /// Loads `resnets.*`, `attentions.*` and `downsamplers.0` from `loader` (the scope of `down_blocks.i`).
    init(loading loader: WeightLoader, config: UNet2DConditionConfig, levels: UNetLevels, level: Int) throws {
        let outChannels = levels.blockOutChannels[level]
        let inChannels = level == 0 ? levels.blockOutChannels[0] : levels.blockOutChannels[level - 1]
        let layers = levels.layersPerBlock[level]
        resnets = try (0..<layers).map { index in
            try ResnetBlock2D(
                loading: loader.scope("resnets.\(index)"), inChannels: index == 0 ? inChannels : outChannels,
                outChannels: outChannels, timeEmbeddingChannels: levels.timeEmbeddingDim, groups: levels.groups,
                epsilon: config.normEps)
        }
        attentions = levels.downHasCrossAttention[level] ? try (0..<layers).map { index in
            try Transformer2DModel(
                loading: loader.scope("attentions.\(index)"), channels: outChannels, heads: levels.heads[level],
                layers: levels.transformerLayers[level], contextDimension: levels.crossAttentionDim[level],
                groups: levels.groups, useLinearProjection: config.useLinearProjection)
        } : []
        downsampler = level < levels.count - 1 ? try Downsample2D(
            loading: loader.scope("downsamplers.0"), channels: outChannels, padding: config.downsamplePadding) : nil
    }

    /// Runs the block on `x`, appending its skip tensors to `skips`; returns the block's output.
    public func callAsFunction(
        _ x: Tensor, timeEmbedding: Tensor, context: Tensor, skips: inout [Tensor]
    ) -> Tensor {
        var h = x
        for (index, resnet) in resnets.enumerated() {
            h = resnet(h, timeEmbedding: timeEmbedding)
            if index < attentions.count { h = attentions[index](h, context: context) }
            skips.append(h)
        }
        if let downsampler {
            h = downsampler(h)
            skips.append(h)
        }
        return h
    }
}
