import EaselDiffusion
import Foundation

/// The configuration of transformers' `UperNetForSemanticSegmentation` (`UperNetConfig`), decoded from its
/// `config.json`. Only a ConvNeXt `backbone_config` is supported (the openmmlab/upernet-convnext-* models).
/// The auxiliary FCN head's settings are not read: it only serves training and Easel ignores its weights.
public struct UperNetConfig: Codable, Sendable, Equatable {
    public var backboneConfig: ConvNextConfig
    /// The decode head's width (`channels` in mmsegmentation).
    public var hiddenSize: Int = 512
    public var poolScales: [Int] = [1, 2, 3, 6]
    /// The number of classes: `id2label`'s size (150 for ADE20K).
    public var numLabels: Int = 2
    /// The class names by id, when the file has them.
    public var id2label: [Int: String]?

    public init(backboneConfig: ConvNextConfig) { self.backboneConfig = backboneConfig }

    /// Reads `config.json`.
    public init(contentsOf url: URL) throws {
        self = try ConfigFile.decode(UperNetConfig.self, from: url)
    }

    enum CodingKeys: String, CodingKey {
        case backboneConfig = "backbone_config"
        case hiddenSize = "hidden_size"
        case poolScales = "pool_scales"
        case numLabels = "num_labels"
        case id2label
        case modelType = "model_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let type = try c.decodeIfPresent(String.self, forKey: .modelType), type != "upernet" {
            throw WeightError.invalidConfiguration("model_type '\(type)' is not upernet")
        }
        // transformers would fall back to a ResNet backbone; Easel only has ConvNeXt, so say so.
        guard let backbone = try c.decodeIfPresent(ConvNextConfig.self, forKey: .backboneConfig) else {
            throw WeightError.invalidConfiguration("UperNet config.json has no backbone_config (Easel needs a ConvNeXt one)")
        }
        self.init(backboneConfig: backbone)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        poolScales = try c.decodeIfPresent([Int].self, forKey: .poolScales) ?? poolScales
        if let labels = try c.decodeIfPresent([String: String].self, forKey: .id2label) {
            var byID: [Int: String] = [:]
            for (key, value) in labels {
                guard let id = Int(key) else {
                    throw WeightError.invalidConfiguration("id2label key '\(key)' is not a number")
                }
                byID[id] = value
            }
            id2label = byID
            numLabels = byID.count
        } else {
            numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels) ?? numLabels
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("upernet", forKey: .modelType)
        try c.encode(backboneConfig, forKey: .backboneConfig)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(poolScales, forKey: .poolScales)
        try c.encode(numLabels, forKey: .numLabels)
        if let id2label {
            try c.encode(Dictionary(uniqueKeysWithValues: id2label.map { (String($0.key), $0.value) }), forKey: .id2label)
        }
    }

    /// Throws for settings Easel does not implement or that cannot describe a network.
    public func validate() throws {
        try backboneConfig.validate()
        guard hiddenSize > 0, numLabels > 0, !poolScales.isEmpty, poolScales.allSatisfy({ $0 > 0 }) else {
            throw WeightError.invalidConfiguration(
                "UperNet hidden_size \(hiddenSize), num_labels \(numLabels) and pool_scales \(poolScales) must be positive")
        }
    }
}
