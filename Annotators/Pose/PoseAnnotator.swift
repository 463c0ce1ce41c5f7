import AnnotatorCore
import EaselCheckpoint
import EaselDiffusion
import EaselImage
import Foundation

/// OpenPose body pose maps for ControlNet's openpose model: controlnet_aux's `OpenposeDetector` with its
/// defaults (body only, detect and image resolution 512): the pose is detected at the detect size and
/// drawn on a black canvas of that size (`PoseDrawing`), then fitted to the output size as every detector.
public struct PoseAnnotator: Annotator {
    public let name = "pose"
    public let defaultDetectResolution = 512
    public let estimator: BodyPoseEstimator

    /// Where the body weights are looked for: `body_pose_model.pth` as lllyasviel/Annotators ships it, or the
    /// same tensors as `.safetensors`.
    public static let weights = AnnotatorWeights(
        annotator: "pose", fileNames: ["body_pose_model.pth", "body_pose_model.safetensors"],
        description: "the OpenPose body model, as lllyasviel/Annotators ships it")

    public init(network: BodyPoseNetwork) {
        estimator = BodyPoseEstimator(network: network)
    }

    /// Loads the network from a weight file (whatever `CheckpointInventory` reads: `.safetensors`, `.pth`).
    public init(contentsOf url: URL) throws {
        self.init(network: try BodyPoseNetwork(
            loading: ComponentFolder.singleComponent(at: url, network: "OpenPose body model")))
    }

    public func detect(_ image: Image) throws -> Image {
        try PoseDrawing.draw(try estimator.figure(in: image))
    }

    /// The map and the pose found, the pose on the detect-size canvas (what the JSON records, as the
    /// A1111 extension's `json_pose_callback` does).
    public func annotateWithPose(_ image: Image, options: AnnotationOptions = AnnotationOptions()) throws
        -> (map: Image, figure: PoseFigure)
    {
        var figure = PoseFigure(canvasWidth: 0, canvasHeight: 0, people: [])
        let map = try DetectorFlow.run(self, on: image.hwc3(), options: options) { input in
            figure = try estimator.figure(in: input)
            return try PoseDrawing.draw(figure)
        }
        return (map, figure)
    }
}
