import EaselTensor

/// diffusers' `UNetMidBlock2DCrossAttn` with one layer (as every SD UNet and ControlNet has it):
/// `resnets.0`, then `attentions.0` and `resnets.1`, at the last level's width and heads.
public struct UNetMidBlock2DCrossAttn: Sendable {
    public var resnets: [ResnetBlock2D]
    public var attentions: [Transformer2DModel]

    /// Loads `resnets.0`, `attentions.0`, `resnets.1` from `loader` (the scope of `mid_block`).
    init(loading loader: WeightLoader, config: UNet2DConditionConfig, levels: UNetLevels) throws {
        let channels = levels.blockOutChannels[levels.count - 1]
        resnets = try (0..<2).map { index in
            try ResnetBlock2D(
                loading: loader.scope("resnets.\(index)"), inChannels: channels, outChannels: channels,
                timeEmbeddingChannels: levels.timeEmbeddingDim, groups: levels.groups, epsilon: config.normEps)
        }
        attentions = [
            try Transformer2DModel(
                loading: loader.scope("attentions.0"), channels: channels, heads: levels.heads[levels.count - 1],
                layers: levels.transformerLayers[levels.count - 1],
                contextDimension: levels.crossAttentionDim[levels.count - 1], groups: levels.groups,
                useLinearProjection: config.useLinearProjection),
        ]
    }

    public func callAsFunction(_ x: Tensor, timeEmbedding: Tensor, context: Tensor) -> Tensor {
        var h = resnets[0](x, timeEmbedding: timeEmbedding)
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            h = attention(h, context: context)
            h = resnet(h, timeEmbedding: timeEmbedding)
        }
        return h
    }
}
