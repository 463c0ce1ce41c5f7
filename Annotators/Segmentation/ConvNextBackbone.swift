import EaselDiffusion
import EaselTensor

/// transformers' `ConvNextBackbone`: the patchify stem (`ConvNextEmbeddings`: a patch_size-stride conv and a
/// channels-first LayerNorm), then the stages of `ConvNextEncoder` (each but the first opens with a
/// LayerNorm and a 2x2 stride-2 conv), and a channels-first LayerNorm (`hidden_states_norms.stageK`) on every
/// stage output named in `out_features`. Those normalised maps are the feature pyramid UperNet reads.
public struct ConvNextBackbone: Sendable {
    public let config: ConvNextConfig
    /// The returned stages, 0-based, in increasing order.
    public let outputStages: [Int]
    var patchEmbedding: Conv2D
    var stemNorm: ChannelsFirstLayerNorm
    var stages: [Stage]
    /// One per output stage, in `outputStages` order.
    var outputNorms: [ChannelsFirstLayerNorm]

    /// `ConvNextStage`.
    struct Stage: Sendable {
        /// `downsampling_layer.0` and `.1`: absent in the first stage (same width, stride 1).
        var downsample: (norm: ChannelsFirstLayerNorm, conv: Conv2D)?
        var layers: [ConvNextLayer]

        func callAsFunction(_ x: Tensor) -> Tensor {
            var h = x
            if let downsample { h = downsample.conv(downsample.norm(h)) }
            for layer in layers { h = layer(h) }
            return h
        }
    }

    /// Loads the backbone from `loader`'s scope (`backbone.` in an UperNet file).
    public init(config: ConvNextConfig, loading loader: WeightLoader) throws {
        try config.validate()
        self.config = config
        // transformers returns the maps in stage order, whatever order out_features lists them in.
        outputStages = Array(Set(try config.outputStages())).sorted()
        let sizes = config.hiddenSizes
        let embeddings = loader.scope("embeddings")
        patchEmbedding = try Conv2D(
            loading: embeddings.scope("patch_embeddings"), inChannels: config.numChannels, outChannels: sizes[0],
            kernel: config.patchSize, stride: config.patchSize)
        stemNorm = try ChannelsFirstLayerNorm(loading: embeddings.scope("layernorm"), channels: sizes[0])
        let encoder = loader.scope("encoder").scope("stages")
        stages = try sizes.indices.map { index in
            let scope = encoder.scope(String(index))
            let inChannels = index == 0 ? sizes[0] : sizes[index - 1]
            var downsample: (ChannelsFirstLayerNorm, Conv2D)?
            if index > 0 {
                let layer = scope.scope("downsampling_layer")
                downsample = (
                    try ChannelsFirstLayerNorm(loading: layer.scope("0"), channels: inChannels),
                    try Conv2D(loading: layer.scope("1"), inChannels: inChannels, outChannels: sizes[index],
                               kernel: 2, stride: 2))
            }
            let layers = try (0..<config.depths[index]).map { j in
                try ConvNextLayer(
                    loading: scope.scope("layers").scope(String(j)), channels: sizes[index],
                    hasLayerScale: config.layerScaleInitValue > 0)
            }
            return Stage(downsample: downsample, layers: layers)
        }
        outputNorms = try outputStages.map { stage in
            try ChannelsFirstLayerNorm(
                loading: loader.scope("hidden_states_norms").scope("stage\(stage + 1)"), channels: sizes[stage])
        }
    }

    /// The channels of each returned feature map.
    public var outputChannels: [Int] { outputStages.map { config.hiddenSizes[$0] } }

    /// The normalised feature maps `[N, C_k, H / s_k, W / s_k]` of the output stages (`feature_maps`).
    public func callAsFunction(_ pixelValues: Tensor) -> [Tensor] {
        var h = stemNorm(patchEmbedding(pixelValues))
        var outputs: [Tensor] = []
        for (index, stage) in stages.enumerated() {
            h = stage(h)
            if let k = outputStages.firstIndex(of: index) { outputs.append(outputNorms[k](h)) }
        }
        return outputs
    }
}
