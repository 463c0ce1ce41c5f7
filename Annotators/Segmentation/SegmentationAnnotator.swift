import AnnotatorCore
import EaselImage
import Foundation

/// The ControlNet seg preprocessor (`easel annotate seg`): UperNet + ConvNeXt ADE20K segmentation painted with
/// the ADE20K palette (`UperNetSegmenter`), in the controlnet_aux detector flow: HWC3, scale to the detect
/// resolution (default 512), segment at that size, fit the output size.
///
/// Unlike the other annotators the map is fitted to the output size with nearest-neighbour sampling, not
/// INTER_LINEAR: blending would make colours that are in no palette entry, i.e. no class. With the default
/// options the map comes back at the detect size and no resize happens.
public struct SegmentationAnnotator: Annotator {
    public let segmenter: UperNetSegmenter
    public var name: String { "seg" }
    public var defaultDetectResolution: Int { 512 }

    public init(segmenter: UperNetSegmenter) { self.segmenter = segmenter }

    /// The model a models folder should hold for "seg", by its Hugging Face name (a folder of that name with
    /// config.json, model.safetensors and preprocessor_config.json), for lookups and missing-file messages.
    public static let modelName = "upernet-convnext-small"
    /// What that model is, for error messages.
    public static let modelDescription =
        "the UperNet + ConvNeXt-small ADE20K segmentation model (openmmlab/upernet-convnext-small on Hugging Face)"

    /// Where `easel annotate seg` and ControlNet units look for the model: `--model PATH`, or a folder named
    /// `modelName` in the models folder (`--models DIR`, `EASEL_MODELS`).
    public static let weights = AnnotatorWeights(annotator: "seg", fileNames: [modelName], description: modelDescription)

    /// Loads the model from a folder holding config.json, the weights and (optionally)
    /// preprocessor_config.json, e.g. a download of openmmlab/upernet-convnext-small.
    public init(contentsOf url: URL) throws {
        try self.init(segmenter: UperNetSegmenter(contentsOf: url))
    }

    public func detect(_ image: Image) throws -> Image {
        try segmenter.conditionMap(image)
    }

    public func annotate(_ image: Image, options: AnnotationOptions) throws -> Image {
        try DetectorFlow.run(self, on: image.hwc3(), options: options, interpolation: .nearest)
    }
}
