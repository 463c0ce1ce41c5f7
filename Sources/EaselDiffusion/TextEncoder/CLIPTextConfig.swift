import Foundation

/// The configuration of a CLIP text encoder, transformers' `CLIPTextConfig`, decoded from a
/// `text_encoder/config.json`. Keys are spelled as there; a missing key takes the class default
/// (transformers 5.23), which describes openai/clip-vit-base-patch32, not SD's ViT-L/14 text model:
/// SD folders always spell the sizes out.
public struct CLIPTextConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int = 49408
    public var hiddenSize: Int = 512
    public var intermediateSize: Int = 2048
    /// Width of `text_projection` in `CLIPTextModelWithProjection`; `CLIPTextModel` does not use it.
    public var projectionDim: Int? = 512
    public var numHiddenLayers: Int = 12
    public var numAttentionHeads: Int = 8
    public var maxPositionEmbeddings: Int = 77
    /// The MLP activation: "quick_gelu" (OpenAI CLIP, SD 1.x) or "gelu" (OpenCLIP, SD 2.x); see `activation`.
    public var hiddenAct: String = "quick_gelu"
    public var layerNormEps: Float = 1e-5
    public var padTokenId: Int? = 1
    public var bosTokenId: Int? = 49406
    /// The end-of-text ids; JSON holds a number, a list or null. Decides where the pooled output is read
    /// (see `CLIPTextModel.pooledPositions`).
    public var eosTokenIds: [Int]? = [49407]

    public init() {}

    /// Reads `config.json`.
    public init(contentsOf url: URL) throws {
        self = try ConfigFile.decode(CLIPTextConfig.self, from: url)
    }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case padTokenId = "pad_token_id"
        case bosTokenId = "bos_token_id"
        case eosTokenIds = "eos_token_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPTextConfig()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        // Optional in Python: an explicit null stays null, an absent key takes the default.
        projectionDim = try Self.decodeOptional(Int.self, c, .projectionDim, default: d.projectionDim)
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? d.layerNormEps
        padTokenId = try Self.decodeOptional(Int.self, c, .padTokenId, default: d.padTokenId)
        bosTokenId = try Self.decodeOptional(Int.self, c, .bosTokenId, default: d.bosTokenId)
        if !c.contains(.eosTokenIds) {
            eosTokenIds = d.eosTokenIds
        } else if try c.decodeNil(forKey: .eosTokenIds) {
            eosTokenIds = nil
        } else if let single = try? c.decode(Int.self, forKey: .eosTokenIds) {
            eosTokenIds = [single]
        } else {
            eosTokenIds = try c.decode([Int].self, forKey: .eosTokenIds)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(projectionDim, forKey: .projectionDim)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encode(padTokenId, forKey: .padTokenId)
        try c.encode(bosTokenId, forKey: .bosTokenId)
        if let ids = eosTokenIds, ids.count == 1 {
            try c.encode(ids[0], forKey: .eosTokenIds)
        } else {
            try c.encode(eosTokenIds, forKey: .eosTokenIds)
        }
    }

    private static func decodeOptional<T: Decodable>(
        _ type: T.Type, _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, default value: T?
    ) throws -> T? {
        guard c.contains(key) else { return value }
        return try c.decodeNil(forKey: key) ? nil : c.decode(T.self, forKey: key)
    }

    /// The MLP activation named by `hidden_act`, as transformers' `ACT2FN` maps it.
    public var activation: CLIPActivation {
        get throws {
            guard let activation = CLIPActivation(rawValue: hiddenAct) else {
                throw WeightError.invalidConfiguration(
                    "hidden_act '\(hiddenAct)' is not supported (expected one of "
                        + CLIPActivation.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            return activation
        }
    }

    /// Throws `WeightError.invalidConfiguration` for sizes the model cannot be built with.
    public func validate() throws {
        for (name, value) in [
            ("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
            ("num_attention_heads", numAttentionHeads), ("max_position_embeddings", maxPositionEmbeddings),
        ] where value <= 0 {
            throw WeightError.invalidConfiguration("\(name) is \(value), must be positive")
        }
        guard numHiddenLayers >= 0 else {
            throw WeightError.invalidConfiguration("num_hidden_layers is \(numHiddenLayers), must not be negative")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw WeightError.invalidConfiguration(
                "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard layerNormEps.isFinite, layerNormEps >= 0 else {
            throw WeightError.invalidConfiguration("layer_norm_eps is \(layerNormEps)")
        }
        _ = try activation
    }
}

/// The activations `CLIPTextConfig.hidden_act` may name, as transformers' `ACT2FN` computes them.
public enum CLIPActivation: String, Sendable, CaseIterable {
    /// `QuickGELUActivation`: `x * sigmoid(1.702 x)` (OpenAI CLIP; SD 1.x).
    case quickGELU = "quick_gelu"
    /// `GELUActivation`: exact erf GELU (OpenCLIP; SD 2.x, SDXL).
    case gelu = "gelu"
    /// `PytorchGELUTanh`: `gelu(x, approximate="tanh")`.
    case geluPytorchTanh = "gelu_pytorch_tanh"
}
