import EaselTensor

/// One level of the UNet's up path: diffusers' `CrossAttnUpBlock2D` (a `Transformer2DModel` after each resnet)
/// or `UpBlock2D` (`attentions` empty). Each resnet takes the previous output concatenated (on channels) with
/// the latest unused skip tensor of the down path; an `Upsample2D` follows on every level but the last.
public struct UNetUpBlock: Sendable {
    public var resnets: [ResnetBlock2D]
    /// One per resnet in a `CrossAttnUpBlock2D`; empty in an `UpBlock2D`.
    public var attentions: [Transformer2DModel]
    public var upsampler: Upsample2D?

    /// Loads `resnets.*`, `attentions.*` and `upsamplers.0` from `loader` (the scope of `up_blocks.i`), with
    /// the channel bookkeeping of `UNet2DConditionModel.__init__` and `CrossAttnUpBlock2D`: resnet `j` takes
    /// `(j == 0 ? prev_output_channel : out_channels) + (j == last ? in_channels : out_channels)` channels.
    init(loading loader: WeightLoader, config: UNet2DConditionConfig, levels: UNetLevels, index: Int) throws {
        let count = levels.count
        let level = count - 1 - index  // the down level whose width and heads this block mirrors
        let outChannels = levels.blockOutChannels[level]
        let previousOutChannels = levels.blockOutChannels[min(level + 1, count - 1)]
        let inChannels = levels.blockOutChannels[max(level - 1, 0)]
        let layers = levels.layersPerBlock[level] + 1
        resnets = try (0..<layers).map { j in
            let skipChannels = j == layers - 1 ? inChannels : outChannels
            let resnetIn = j == 0 ? previousOutChannels : outChannels
            return try ResnetBlock2D(
                loading: loader.scope("resnets.\(j)"), inChannels: resnetIn + skipChannels, outChannels: outChannels,
                timeEmbeddingChannels: levels.timeEmbeddingDim, groups: levels.groups, epsilon: config.normEps)
        }
        attentions = levels.upHasCrossAttention[index] ? try (0..<layers).map { j in
            try Transformer2DModel(
                loading: loader.scope("attentions.\(j)"), channels: outChannels, heads: levels.heads[level],
                layers: levels.transformerLayers[level], contextDimension: levels.crossAttentionDim[level],
                groups: levels.groups, useLinearProjection: config.useLinearProjection)
        } : []
        upsampler = index < count - 1 ? try Upsample2D(loading: loader.scope("upsamplers.0"), channels: outChannels) : nil
    }

    /// Runs the block, taking its skip tensors from the end of `skips` (one per resnet).
    /// - Parameter upsampleSize: the size to upsample to (the next skip tensor's) when the input's size is not a
    ///   multiple of the total downsampling factor (diffusers' `forward_upsample_size`); nil doubles.
    public func callAsFunction(
        _ x: Tensor, skips: inout [Tensor], timeEmbedding: Tensor, context: Tensor,
        upsampleSize: (height: Int, width: Int)?
    ) -> Tensor {
        var h = x
        for (j, resnet) in resnets.enumerated() {
            h = resnet(concat([h, skips.removeLast()], axis: 1), timeEmbedding: timeEmbedding)
            if j < attentions.count { h = attentions[j](h, context: context) }
        }
        if let upsampler { h = upsampler(h, outputSize: upsampleSize) }
        return h
    }
}
