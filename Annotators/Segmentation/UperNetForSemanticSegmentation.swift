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
        let channels = config.backboneConfig.numChannels
        guard pixelValues.rank == 4, pixelValues.shape[1] == channels else {
            throw SegmentationError.invalidInput("UperNet expects pixel values [N, \(channels), H, W], got \(pixelValues.shape)")
        }
        // The stem divides by patch_size and every later stage by 2; each map must keep at least one pixel.
        let stride = config.backboneConfig.patchSize << (config.backboneConfig.hiddenSizes.count - 1)
        guard pixelValues.shape[2] >= stride, pixelValues.shape[3] >= stride else {
            throw SegmentationError.invalidInput(
                "input \(pixelValues.shape[3])x\(pixelValues.shape[2]) is smaller than the backbone's stride \(stride)")
        }
        let features = backbone(pixelValues)
        let logits = decodeHead(features)
        return interpolate(
            logits, size: (pixelValues.shape[2], pixelValues.shape[3]), mode: .bilinear, alignCorners: false)
    }
}

extension UperNetForSemanticSegmentation {
    /// Loads a transformers model folder (`config.json` + `model.safetensors` or another weight file that
    /// `CheckpointInventory` reads, e.g. a `.pth` state dict), or a weight file (with the `config.json` of its
    /// folder, or, when there is none, the configuration its tensors imply: `UperNetConfig(inferredFrom:)`).
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SegmentationError.modelNotFound(path: url.path)
        }
        let configURL = Self.folder(of: url).appendingPathComponent("config.json")
        let weights = try ComponentFolder.singleComponent(at: url, network: "UperNet")
        let config = FileManager.default.fileExists(atPath: configURL.path)
            ? try UperNetConfig(contentsOf: configURL) : try UperNetConfig(inferredFrom: weights)
        try self.init(config: config, weights: weights)
    }

    /// `url` when it is a folder, otherwise the folder holding it.
    static func folder(of url: URL) -> URL {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        return exists && !isFolder.boolValue ? url.deletingLastPathComponent() : url
    }
}
