import EaselDiffusion
import Foundation

/// transformers' `DepthAnythingConfig` with its Dinov2 `backbone_config`, decoded from `config.json`.
public struct DepthAnythingConfig: Decodable, Sendable, Equatable {
    public var patchSize = 14
    public var reassembleHiddenSize = 384
    public var reassembleFactors: [Double] = [4, 2, 1, 0.5]
    public var neckHiddenSizes = [48, 96, 192, 384]
    public var fusionHiddenSize = 64
    public var headInIndex = -1
    public var headHiddenSize = 32
    public var depthEstimationType = "relative"
    public var maxDepth: Double = 1
    public var backbone: Dinov2Config

    enum CodingKeys: String, CodingKey {
        case patchSize = "patch_size", reassembleHiddenSize = "reassemble_hidden_size"
        case reassembleFactors = "reassemble_factors", neckHiddenSizes = "neck_hidden_sizes"
        case fusionHiddenSize = "fusion_hidden_size", headInIndex = "head_in_index"
        case headHiddenSize = "head_hidden_size", depthEstimationType = "depth_estimation_type"
        case maxDepth = "max_depth", backbone = "backbone_config"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.patchSize, &patchSize); try read(.reassembleHiddenSize, &reassembleHiddenSize)
        try read(.reassembleFactors, &reassembleFactors); try read(.neckHiddenSizes, &neckHiddenSizes)
        try read(.fusionHiddenSize, &fusionHiddenSize); try read(.headInIndex, &headInIndex)
        try read(.headHiddenSize, &headHiddenSize); try read(.depthEstimationType, &depthEstimationType)
        try read(.maxDepth, &maxDepth)
        guard let backbone = try c.decodeIfPresent(Dinov2Config.self, forKey: .backbone) else {
            throw WeightError.invalidConfiguration("Depth Anything: config.json has no backbone_config")
        }
        self.backbone = backbone
    }

    public init(contentsOf url: URL) throws { self = try ConfigFile.decode(DepthAnythingConfig.self, from: url) }

    func validate() throws {
        func refuse(_ message: String) -> WeightError { .invalidConfiguration("Depth Anything: " + message) }
        try backbone.validate()
        guard neckHiddenSizes.count == reassembleFactors.count, neckHiddenSizes.count == backbone.outIndices.count,
              !neckHiddenSizes.isEmpty else {
            throw refuse("neck_hidden_sizes, reassemble_factors and the backbone's out_indices differ in length")
        }
        guard reassembleHiddenSize == backbone.hiddenSize else {
            throw refuse("reassemble_hidden_size \(reassembleHiddenSize) is not the backbone's \(backbone.hiddenSize)")
        }
        guard patchSize == backbone.patchSize else { throw refuse("patch_size differs from the backbone's") }
        guard ["relative", "metric"].contains(depthEstimationType) else {
            throw refuse("depth_estimation_type \(depthEstimationType)")
        }
        guard headInIndex == -1 || headInIndex == neckHiddenSizes.count - 1 else {
            throw refuse("head_in_index \(headInIndex) is not supported")
        }
        for factor in reassembleFactors where !(factor == 0.5 || factor == 1 || factor == 2 || factor == 4) {
            throw refuse("reassemble factor \(factor) is not supported")
        }
    }
}

/// transformers' `Dinov2Config` as a Depth Anything backbone (`Dinov2Backbone`).
public struct Dinov2Config: Decodable, Sendable, Equatable {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var mlpRatio: Double = 4
    public var hiddenAct = "gelu"
    public var layerNormEps: Double = 1e-6
    public var imageSize = 224
    public var patchSize = 14
    public var numChannels = 3
    public var qkvBias = true
    public var useSwigluFFN = false
    public var applyLayernorm = true
    public var reshapeHiddenStates = true
    public var outIndices = [12]

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", mlpRatio = "mlp_ratio", hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps", imageSize = "image_size", patchSize = "patch_size"
        case numChannels = "num_channels", qkvBias = "qkv_bias", useSwigluFFN = "use_swiglu_ffn"
        case applyLayernorm = "apply_layernorm", reshapeHiddenStates = "reshape_hidden_states"
        case outIndices = "out_indices"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.hiddenSize, &hiddenSize); try read(.numHiddenLayers, &numHiddenLayers)
        try read(.numAttentionHeads, &numAttentionHeads); try read(.mlpRatio, &mlpRatio)
        try read(.hiddenAct, &hiddenAct); try read(.layerNormEps, &layerNormEps); try read(.imageSize, &imageSize)
        try read(.patchSize, &patchSize); try read(.numChannels, &numChannels); try read(.qkvBias, &qkvBias)
        try read(.useSwigluFFN, &useSwigluFFN); try read(.applyLayernorm, &applyLayernorm)
        try read(.reshapeHiddenStates, &reshapeHiddenStates); try read(.outIndices, &outIndices)
    }

    /// The MLP width, `int(hidden_size * mlp_ratio)` as `Dinov2MLP`.
    var mlpWidth: Int { Int(Double(hiddenSize) * mlpRatio) }

    func validate() throws {
        func refuse(_ message: String) -> WeightError { .invalidConfiguration("Dinov2 backbone: " + message) }
        guard hiddenSize > 0, numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0 else {
            throw refuse("hidden_size \(hiddenSize) does not split into \(numAttentionHeads) heads")
        }
        guard hiddenAct == "gelu" else { throw refuse("hidden_act \(hiddenAct) is not supported (only gelu)") }
        guard !useSwigluFFN else { throw refuse("use_swiglu_ffn (the giant model) is not supported") }
        guard applyLayernorm, !reshapeHiddenStates else {
            throw refuse("Depth Anything needs apply_layernorm true and reshape_hidden_states false")
        }
        guard outIndices.allSatisfy({ (1...numHiddenLayers).contains($0) }) else {
            throw refuse("out_indices \(outIndices) out of range for \(numHiddenLayers) layers")
        }
    }
}
