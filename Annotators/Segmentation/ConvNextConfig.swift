import EaselDiffusion

/// The configuration of a ConvNeXt backbone, transformers' `ConvNextConfig`, as it appears under
/// `backbone_config` in an UperNet `config.json`. Keys are spelled as there; a missing key takes the class
/// default (transformers 5.23: facebook/convnext-tiny-224's sizes).
public struct ConvNextConfig: Codable, Sendable, Equatable {
    public var modelType: String = "convnext"
    public var numChannels: Int = 3
    public var patchSize: Int = 4
    public var hiddenSizes: [Int] = [96, 192, 384, 768]
    public var depths: [Int] = [3, 3, 9, 3]
    public var hiddenAct: String = "gelu"
    /// Each layer has a `layer_scale_parameter` when this is positive.
    public var layerScaleInitValue: Double = 1e-6
    /// The stages whose normalised outputs the backbone returns ("stage1" ... "stageN"; read from
    /// `out_indices` when the file has only those); nil: the last one (transformers' default). The stem
    /// ("stem", index 0) is not supported.
    public var outFeatures: [String]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case numChannels = "num_channels"
        case patchSize = "patch_size"
        case hiddenSizes = "hidden_sizes"
        case depths
        case hiddenAct = "hidden_act"
        case layerScaleInitValue = "layer_scale_init_value"
        case outFeatures = "out_features"
        case outIndices = "out_indices"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ConvNextConfig()
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? d.modelType
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? d.numChannels
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize
        hiddenSizes = try c.decodeIfPresent([Int].self, forKey: .hiddenSizes) ?? d.hiddenSizes
        depths = try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        layerScaleInitValue = try c.decodeIfPresent(Double.self, forKey: .layerScaleInitValue) ?? d.layerScaleInitValue
        outFeatures = try c.decodeIfPresent([String].self, forKey: .outFeatures)
        // Files that give only out_indices: indices into stage_names, where 0 is the stem.
        if outFeatures == nil, let indices = try c.decodeIfPresent([Int].self, forKey: .outIndices) {
            outFeatures = indices.map { $0 == 0 ? "stem" : "stage\($0)" }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(numChannels, forKey: .numChannels)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(hiddenSizes, forKey: .hiddenSizes)
        try c.encode(depths, forKey: .depths)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(layerScaleInitValue, forKey: .layerScaleInitValue)
        try c.encodeIfPresent(outFeatures, forKey: .outFeatures)
    }

    /// The 0-based stage indices the backbone returns, in order: "stageK" is stage K - 1.
    public func outputStages() throws -> [Int] {
        let names = outFeatures ?? ["stage\(hiddenSizes.count)"]
        return try names.map { name in
            guard name.hasPrefix("stage"), let k = Int(name.dropFirst(5)), (1...hiddenSizes.count).contains(k) else {
                throw WeightError.invalidConfiguration(
                    "ConvNeXt out_features entry '\(name)' is not one of stage1...stage\(hiddenSizes.count)")
            }
            return k - 1
        }
    }

    /// Throws for settings Easel does not implement.
    public func validate() throws {
        guard modelType == "convnext" else {
            throw WeightError.invalidConfiguration("backbone model_type '\(modelType)' is not supported (only convnext)")
        }
        guard !hiddenSizes.isEmpty, hiddenSizes.count == depths.count, hiddenSizes.allSatisfy({ $0 > 0 }),
              depths.allSatisfy({ $0 >= 0 }), numChannels > 0, patchSize > 0
        else {
            throw WeightError.invalidConfiguration(
                "ConvNeXt hidden_sizes \(hiddenSizes) and depths \(depths) must be positive and of equal length")
        }
        guard hiddenAct == "gelu" else {
            throw WeightError.invalidConfiguration("ConvNeXt hidden_act '\(hiddenAct)' is not supported (only gelu)")
        }
        _ = try outputStages()
    }
}
