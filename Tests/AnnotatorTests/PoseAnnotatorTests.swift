import AnnotatorCore
import EaselCheckpoint
import EaselDiffusion
import EaselImage
import EaselTestSupport
import Foundation
import PoseAnnotator
import Testing

/// `PoseAnnotator` as the CLI and ControlNet units call it (a scaled-down network with the real layer names,
/// so the whole flow runs quickly), and the weight-file lookup.
@Suite struct PoseAnnotatorTests {
    static func tinyAnnotator() throws -> PoseAnnotator {
        PoseAnnotator(network: try BodyPoseNetwork(loading: InMemoryTensorStore(PoseFixtures.tinyWeights())))
    }

    @Test func annotatesLikeEveryDetector() throws {
        let annotator = try Self.tinyAnnotator()
        #expect(annotator.name == "pose" && annotator.defaultDetectResolution == 512)
        let image = try AnnotatorFixtures.image("chelsea.png")
        let options = AnnotationOptions(detectResolution: 128)
        let (map, figure) = try annotator.annotateWithPose(image, options: options)
        #expect(map.width == 192 && map.height == 128 && map.layout == .rgb)
        #expect(figure.canvasWidth == 192 && figure.canvasHeight == 128)
        // The Annotator requirement gives the same map.
        #expect(try annotator.annotate(image, options: options) == map)
    }

    @Test func loadsFromASafetensorsFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-pose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = SafetensorsWriter()
        for (name, tensor) in PoseFixtures.tinyWeights() { try writer.add(name, tensor) }
        let file = folder.appendingPathComponent("body_pose_model.safetensors")
        try writer.write(to: file)

        let located = try PoseAnnotator.weights.locate(explicitPath: nil, modelsFolder: folder.path, environment: [:])
        #expect(located.lastPathComponent == "body_pose_model.safetensors")
        let fromEnvironment = try PoseAnnotator.weights.locate(
            explicitPath: nil, modelsFolder: nil, environment: ["EASEL_MODELS": folder.path])
        #expect(fromEnvironment == located)
        let annotator = try PoseAnnotator(contentsOf: located)
        let image = try AnnotatorFixtures.image("chelsea.png")
        let options = AnnotationOptions(detectResolution: 64)
        #expect(try annotator.annotate(image, options: options) == (try Self.tinyAnnotator().annotate(image, options: options)))
    }

    @Test func missingWeightsNameTheFile() throws {
        let weights = PoseAnnotator.weights
        #expect(throws: AnnotatorWeightsError.noLocation(
            annotator: "pose", expected: "body_pose_model.pth", description: weights.description)) {
            try weights.locate(explicitPath: nil, modelsFolder: nil, environment: [:])
        }
        do {
            _ = try weights.locate(explicitPath: nil, modelsFolder: "/nonexistent/models", environment: [:])
            Issue.record("a folder without the file was accepted")
        } catch let error as AnnotatorWeightsError {
            let message = error.description
            #expect(message.contains("body_pose_model.pth") && message.contains("OpenPose body model"), "\(message)")
            #expect(message.contains("/nonexistent/models"), "\(message)")
        }
        do {
            _ = try weights.locate(explicitPath: "/nonexistent/pose.pth", modelsFolder: nil, environment: [:])
            Issue.record("a missing explicit file was accepted")
        } catch let error as AnnotatorWeightsError {
            #expect(error.description.contains("/nonexistent/pose.pth") && error.description.contains("body_pose_model.pth"))
        }
    }
}
