import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import Foundation

/// transformers' `UperNetForSemanticSegmentation` with a ConvNeXt backbone (the openmmlab/upernet-convnext-*
/// layout diffusers' seg ControlNet example uses): backbone feature pyramid -> `UperNetHead` -> logits resized
/// bilinearly (align_corners=False) to the input size.
///
/// The auxiliary FCN head (`auxiliary_head.*`) only feeds a training loss; its weights are accepted and not
/// loaded, as are the BatchNorms' `num_batches_tracked` counters. Any other leftover tensor is an error.
public struct UperNetForSemanticSegmentation: Sendable {
    public let config: UperNetConfig
    public let backbone: ConvNextBackbone
    var decodeHead: UperNetHead

    /// Builds the model from `config` and every tensor of `weights` (transformers names): a missing,
    /// mis-shaped or unexpected tensor is an error naming it.
    public init(config: UperNetConfig, weights: any TensorStore) throws {
        try config.validate()
        self.config = config
        let loader = WeightLoader(weights)
        backbone = try ConvNextBackbone(config: config.backboneConfig, loading: loader.scope("backbone"))
        decodeHead = try UperNetHead(
            loading: loader.scope("decode_head"), inChannels: backbone.outputChannels, channels: config.hiddenSize,
            poolScales: config.poolScales, numLabels: config.numLabels)
        try loader.checkAllUsed(ignoring: Self.isIgnored)
    }

    /// Tensors a checkpoint may hold that inference does not use.
    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix("auxiliary_head.") || name.hasSuffix(".num_batches_tracked")
    }

    /// Class logits `[N, num_labels, H, W]` for normalised `pixelValues` `[N, 3, H, W]` (the `logits` of
    /// `SemanticSegmenterOutput`).
    public func callAsFunction(_ pixelValues: Tensor) throws -> Tensor {
        guard pixelValues.rank == 4, pixelValues.shape[1] == config.backboneConfig.numChannels else {
            throw WeightError.invalidConfiguration(
                "UperNet expects pixel values [N, \(config.backboneConfig.numChannels), H, W], got \(pixelValues.shape)")
        }
        let features = backbone(pixelValues)
        guard features.allSatisfy({ $0.shape[2] > 0 && $0.shape[3] > 0 }) else {
            throw WeightError.invalidConfiguration("input \(pixelValues.shape) is too small for the backbone's strides")
        }
        let logits = decodeHead(features)
        return interpolate(
            logits, size: (pixelValues.shape[2], pixelValues.shape[3]), mode: .bilinear, alignCorners: false)
    }
}

extension UperNetForSemanticSegmentation {
    /// Loads a transformers model folder (`config.json` + `model.safetensors` or another weight file that
    /// `CheckpointInventory` reads, e.g. a `.pth` state dict), or a weight file whose folder holds the
    /// `config.json`.
    public init(contentsOf url: URL) throws {
        let folder = Self.folder(of: url)
        let config = try UperNetConfig(contentsOf: folder.appendingPathComponent("config.json"))
        let inventory = try CheckpointInventory(contentsOf: url)
        guard let weights = inventory.components.first, inventory.components.count == 1 else {
            throw CheckpointError.invalidModelFolder(
                path: url.path,
                reason: "expected one UperNet's weights, found \(inventory.components.count) components")
        }
        try self.init(config: config, weights: weights)
    }

    /// `url` when it is a folder, otherwise the folder holding it.
    static func folder(of url: URL) -> URL {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        return exists && !isFolder.boolValue ? url.deletingLastPathComponent() : url
    }
}
