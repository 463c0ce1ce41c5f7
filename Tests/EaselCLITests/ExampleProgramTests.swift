import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// The programs under Examples/ run end to end on the tiny fixture models, and say clearly what they need when a
/// model is not given.
@Suite struct ExampleProgramTests {
    @Test func scribbleToImageNamesTheModelsItNeeds() throws {
        let result = try EaselProcess.run([], program: "scribble-to-image")
        #expect(result.status != 0)
        #expect(result.standardError.contains("--model PATH"))
        #expect(result.standardError.contains("--controlnet PATH"))
    }

    @Test func scribbleToImageRunsOnTinyModels() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("house.png")
        let result = try EaselProcess.run(
            ["--model", try PipelineFixtures.modelFolder().path,
             "--controlnet", try PipelineFixtures.folder.url("ControlPipeline_net_a").path,
             "--steps", "2", "--size", "64", "--output", output.path],
            program: "scribble-to-image")
        #expect(result.status == 0, "\(result.standardError)")
        let file = try ImageFile.load(from: output)
        #expect(file.image.width == 64 && file.image.height == 64)
        #expect(file.text["parameters"]?.contains("ControlNet 0: \"Module: scribble") == true)
    }

    @Test func poseGuidedNamesTheModelsItNeeds() throws {
        let result = try EaselProcess.run([], program: "pose-guided")
        #expect(result.status != 0)
        #expect(result.standardError.contains("--model PATH"))
        #expect(result.standardError.contains("--controlnet PATH"))
    }

    /// From the bundled pose JSON alone: the pose map is drawn (the A1111 canvas, 512x512) and guides the picture.
    @Test func poseGuidedRunsOnTinyModels() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("figure.png")
        let result = try EaselProcess.run(
            ["--model", try PipelineFixtures.modelFolder().path,
             "--controlnet", try PipelineFixtures.folder.url("ControlPipeline_net_b").path,
             "--steps", "2", "--size", "64", "--output", output.path],
            program: "pose-guided")
        #expect(result.status == 0, "\(result.standardError)")
        let picture = try ImageFile.load(from: output)
        #expect(picture.image.width == 64 && picture.image.height == 64)
        #expect(picture.text["parameters"]?.contains("ControlNet 0:") == true)
        let map = try Image.load(from: folder.path("figure-pose.png"))
        #expect(map.width == 512 && map.height == 512)
        #expect(map.pixels.contains { $0 > 0 })
    }
}
