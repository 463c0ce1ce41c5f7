import EaselDiffusion
import Foundation

/// The settings of transformers' `DPTConfig` that `DPTForDepthEstimation` reads (Intel/dpt-hybrid-midas and
/// Intel/dpt-large layouts), decoded from `config.json` with transformers' defaults for absent keys.
public struct DPTConfig: Decodable, Sendable, Equatable {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu"
    public var layerNormEps: Double = 1e-12
    public var imageSize = 384
    public var patchSize = 16
    public var numChannels = 3
    public var isHybrid = false
    public var qkvBias = true
    public var backboneOutIndices = [2, 5, 8, 11]
    public var readoutType = "project"
    public var reassembleFactors: [Double] = [4, 2, 1, 0.5]
    public var neckHiddenSizes = [96, 192, 384, 768]
    public var fusionHiddenSize = 256
    public var headInIndex = -1
    public var useBatchNormInFusionResidual = false
    public var useBiasInFusionResidual: Bool?
    public var addProjection = false
    public var backboneFeatmapShape: [Int]? = [1, 1024, 24, 24]
    public var backboneConfig: BitConfig?

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", imageSize = "image_size"
        case patchSize = "patch_size", numChannels = "num_channels", isHybrid = "is_hybrid", qkvBias = "qkv_bias"
        case backboneOutIndices = "backbone_out_indices", readoutType = "readout_type"
        case reassembleFactors = "reassemble_factors", neckHiddenSizes = "neck_hidden_sizes"
        case fusionHiddenSize = "fusion_hidden_size", headInIndex = "head_in_index"
        case useBatchNormInFusionResidual = "use_batch_norm_in_fusion_residual"
        case useBiasInFusionResidual = "use_bias_in_fusion_residual", addProjection = "add_projection"
        case backboneFeatmapShape = "backbone_featmap_shape", backboneConfig = "backbone_config"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.hiddenSize, &hiddenSize); try read(.numHiddenLayers, &numHiddenLayers)
        try read(.numAttentionHeads, &numAttentionHeads); try read(.intermediateSize, &intermediateSize)
        try read(.hiddenAct, &hiddenAct); try read(.layerNormEps, &layerNormEps); try read(.patchSize, &patchSize)
        try read(.numChannels, &numChannels); try read(.isHybrid, &isHybrid); try read(.qkvBias, &qkvBias)
        try read(.backboneOutIndices, &backboneOutIndices); try read(.readoutType, &readoutType)
        try read(.reassembleFactors, &reassembleFactors); try read(.neckHiddenSizes, &neckHiddenSizes)
        try read(.fusionHiddenSize, &fusionHiddenSize); try read(.headInIndex, &headInIndex)
        try read(.useBatchNormInFusionResidual, &useBatchNormInFusionResidual)
        try read(.addProjection, &addProjection)
        useBiasInFusionResidual = try c.decodeIfPresent(Bool.self, forKey: .useBiasInFusionResidual)
        backboneFeatmapShape = try c.decodeIfPresent([Int].self, forKey: .backboneFeatmapShape) ?? backboneFeatmapShape
        backboneConfig = try c.decodeIfPresent(BitConfig.self, forKey: .backboneConfig)
        // transformers gives a hybrid config without one its default BiT (DPTConfig.sub_configs_defaults).
        if isHybrid && backboneConfig == nil { backboneConfig = .dptHybridDefault }
        // image_size may be an int or a pair; DPT models are square.
        if let size = try? c.decodeIfPresent(Int.self, forKey: .imageSize) { imageSize = size }
        else if let pair = try? c.decodeIfPresent([Int].self, forKey: .imageSize), let first = pair.first {
            imageSize = first
        }
    }

    /// Reads `config.json`.
    public init(contentsOf url: URL) throws { self = try ConfigFile.decode(DPTConfig.self, from: url) }

    /// Refuses settings this implementation does not build, naming them.
    func validate() throws {
        func refuse(_ message: String) -> WeightError { .invalidConfiguration("DPT: " + message) }
        guard hiddenSize > 0, numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0 else {
            throw refuse("hidden_size \(hiddenSize) does not split into \(numAttentionHeads) heads")
        }
        guard hiddenAct == "gelu" else { throw refuse("hidden_act \(hiddenAct) is not supported (only gelu)") }
        guard neckHiddenSizes.count == 4, reassembleFactors.count == 4, backboneOutIndices.count == 4 else {
            throw refuse("expected 4 neck_hidden_sizes, reassemble_factors and backbone_out_indices")
        }
        guard backboneOutIndices.allSatisfy({ (0..<numHiddenLayers).contains($0) }) else {
            throw refuse("backbone_out_indices \(backboneOutIndices) out of range for \(numHiddenLayers) layers")
        }
        guard !useBatchNormInFusionResidual, !addProjection else {
            throw refuse("use_batch_norm_in_fusion_residual and add_projection are not supported")
        }
        guard headInIndex == -1 || headInIndex == 3 else { throw refuse("head_in_index \(headInIndex) is not supported") }
        guard readoutType == "project" else {
            throw refuse("readout_type \(readoutType) is not supported (only project, as the published depth models)")
        }
        if !isHybrid {
            guard backboneConfig == nil else {
                throw refuse("non-hybrid models with a backbone_config (e.g. DINOv2 or Swin backbones) are not supported")
            }
        }
        for factor in reassembleFactors where !(factor == 0.5 || factor == 1 || factor == 2 || factor == 4) {
            throw refuse("reassemble factor \(factor) is not supported")
        }
    }
}

/// transformers' `BitConfig`, as DPT-hybrid's `backbone_config` holds it.
public struct BitConfig: Decodable, Sendable, Equatable {
    public var numChannels = 3
    public var embeddingSize = 64
    public var hiddenSizes = [256, 512, 1024, 2048]
    public var depths = [3, 4, 6, 3]
    public var layerType = "preactivation"
    public var hiddenAct = "relu"
    public var globalPadding: String?
    public var numGroups = 32
    public var embeddingDynamicPadding = false
    public var outputStride = 32
    public var widthFactor = 1
    public var outIndices: [Int]?

    enum CodingKeys: String, CodingKey {
        case numChannels = "num_channels", embeddingSize = "embedding_size", hiddenSizes = "hidden_sizes"
        case depths, layerType = "layer_type", hiddenAct = "hidden_act", globalPadding = "global_padding"
        case numGroups = "num_groups", embeddingDynamicPadding = "embedding_dynamic_padding"
        case outputStride = "output_stride", widthFactor = "width_factor", outIndices = "out_indices"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.numChannels, &numChannels); try read(.embeddingSize, &embeddingSize)
        try read(.hiddenSizes, &hiddenSizes); try read(.depths, &depths); try read(.layerType, &layerType)
        try read(.hiddenAct, &hiddenAct); try read(.numGroups, &numGroups)
        try read(.embeddingDynamicPadding, &embeddingDynamicPadding); try read(.outputStride, &outputStride)
        try read(.widthFactor, &widthFactor)
        globalPadding = try c.decodeIfPresent(String.self, forKey: .globalPadding)?.uppercased()
        outIndices = try c.decodeIfPresent([Int].self, forKey: .outIndices)
    }

    /// DPT-hybrid's BiT: bottleneck layers, "SAME" padding, three stages, ReLU, stride below the output stride.
    func validate() throws {
        func refuse(_ message: String) -> WeightError { .invalidConfiguration("BiT backbone: " + message) }
        guard layerType == "bottleneck" else { throw refuse("layer_type \(layerType) is not supported (only bottleneck)") }
        guard globalPadding == "SAME" else { throw refuse("global_padding must be SAME") }
        guard hiddenAct == "relu" else { throw refuse("hidden_act \(hiddenAct) is not supported") }
        guard depths.count == 3, hiddenSizes.count >= 3, (outIndices ?? [1, 2, 3]) == [1, 2, 3] else {
            throw refuse("expected three stages, all of them outputs")
        }
        guard outputStride >= 32 else { throw refuse("output_stride \(outputStride) (dilated stages) is not supported") }
    }
}
