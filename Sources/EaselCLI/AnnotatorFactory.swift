import AnnotatorCore
import DepthAnnotator
import PoseAnnotator
import SegmentationAnnotator

/// The annotators whose weights users bring, found from `--model PATH` or the models folder (`--models DIR`, else
/// `EASEL_MODELS`) under their usual names: the one place `easel annotate` and `--control preprocessor=` make them.
enum AnnotatorFactory {
    static func pose(model: String? = nil, models: String? = nil) throws -> PoseAnnotator {
        try PoseAnnotator(contentsOf: PoseAnnotator.weights.locate(explicitPath: model, modelsFolder: models))
    }

    static func depth(
        kind: DepthAnnotator.Kind, normal: Bool, model: String? = nil, models: String? = nil
    ) throws -> DepthAnnotator {
        let url = try DepthAnnotator.weights(for: kind).locate(explicitPath: model, modelsFolder: models)
        return try DepthAnnotator(kind: kind, contentsOf: url, output: normal ? .normal : .depth)
    }

    static func segmentation(model: String? = nil, models: String? = nil) throws -> SegmentationAnnotator {
        try SegmentationAnnotator(
            contentsOf: SegmentationAnnotator.weights.locate(explicitPath: model, modelsFolder: models))
    }
}
