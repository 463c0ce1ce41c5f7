import EaselDiffusion
import EaselImage
import EaselTensor
import Foundation

/// An UperNet model with its image processor: image in, ADE20K classes and condition map out, the steps of
/// diffusers' seg ControlNet example (`AutoImageProcessor` + `UperNetForSemanticSegmentation` from
/// openmmlab/upernet-convnext-small, post-processed to the image's size and painted with the ADE palette).
public struct UperNetSegmenter: Sendable {
    public let model: UperNetForSemanticSegmentation
    public let processor: SegformerImageProcessorConfig

    public init(model: UperNetForSemanticSegmentation, processor: SegformerImageProcessorConfig) {
        self.model = model
        self.processor = processor
    }

    /// Loads a model folder (config.json, weights, and preprocessor_config.json, whose absence means the
    /// `SegformerImageProcessor` defaults that openmmlab's ADE20K models use), or a weight file in one.
    public init(contentsOf url: URL) throws {
        let folder = UperNetForSemanticSegmentation.folder(of: url)
        let processorURL = folder.appendingPathComponent("preprocessor_config.json")
        let processor = FileManager.default.fileExists(atPath: processorURL.path)
            ? try SegformerImageProcessorConfig(contentsOf: processorURL) : SegformerImageProcessorConfig()
        self.init(model: try UperNetForSemanticSegmentation(contentsOf: url), processor: processor)
    }

    /// The class of every pixel of `image` (any layout: HWC3 first), at the image's size.
    public func segment(_ image: Image) throws -> SegmentationMap {
        let rgb = image.hwc3()
        let logits = try model(processor.pixelValues(for: rgb))
        return SegmentationMap(logits: logits, width: rgb.width, height: rgb.height)
    }

    /// The ControlNet seg condition map of `image`: its classes painted with the ADE20K palette, same size.
    public func conditionMap(_ image: Image) throws -> Image {
        try segment(image).painted()
    }
}
