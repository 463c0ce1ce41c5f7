import AnnotatorCore
import EaselCheckpoint
import EaselDiffusion
import EaselImage
import EaselTensor
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

/// `body_pose_model.pth` as lllyasviel/Annotators ships it is a PyTorch pickle: Pose_tiny_body.pth (torch.save of
/// the width-1 network of `PoseFixtures.tinyWeights`, make_pose_fixtures.py) loads through the restricted pickle
/// reader into exactly the network built from the same weights in memory.
@Suite struct PosePickleWeightsTests {
    @Test func pthFileLoads() throws {
        let url = try FixtureFolder(.module, writtenBy: "make_pose_fixtures.py").url("Pose_tiny_body.pth")
        let fromFile = try PoseAnnotator(contentsOf: url)
        let inMemory = PoseAnnotator(
            network: try BodyPoseNetwork(loading: InMemoryTensorStore(PoseFixtures.tinyWeights(width: 1, seed: 5))))
        let image = try AnnotatorFixtures.image("chelsea.png")
        let options = AnnotationOptions(detectResolution: 64)
        let (map, figure) = try fromFile.annotateWithPose(image, options: options)
        let (expectedMap, expectedFigure) = try inMemory.annotateWithPose(image, options: options)
        #expect(map == expectedMap)
        #expect(figure == expectedFigure)
        // The maps themselves, not just an empty result: the network outputs agree to the bit.
        let input = Tensor(shape: [1, 3, 16, 16], scalars: (0..<768).map { Float($0 % 17) / 17 - 0.5 })
        let (a, b) = (fromFile.estimator.network(input), inMemory.estimator.network(input))
        #expect(a.partAffinityFields == b.partAffinityFields && a.heatmaps == b.heatmaps)
    }
}
