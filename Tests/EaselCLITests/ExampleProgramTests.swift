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

    @Test(arguments: ["inpaint", "outpaint"])
    func maskExamplesNameTheModelTheyNeed(program: String) throws {
        let result = try EaselProcess.run([], program: program)
        #expect(result.status != 0)
        #expect(result.standardError.contains("--model PATH"))
    }

    /// The bundled cat with the default ellipse: the corners (far outside the blurred mask) are the photo's own.
    @Test func inpaintKeepsThePhotoOutsideTheMask() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("inpaint.png")
        let result = try EaselProcess.run(
            ["--model", try PipelineFixtures.modelFolder().path, "--steps", "2", "--output", output.path],
            program: "inpaint")
        #expect(result.status == 0, "\(result.standardError)")
        let picture = try Image.load(from: output)
        let photo = try Image.load(from: Self.examples.appendingPathComponent("ExampleSamples/Samples/chelsea.png"))
        #expect(picture.width == photo.width && picture.height == photo.height)
        for (x, y) in [(0, 0), (photo.width - 1, 0), (0, photo.height - 1), (photo.width - 1, photo.height - 1), (20, 150)] {
            for c in 0..<3 { #expect(picture[x, y, c] == photo[x, y, c], "(\(x), \(y))") }
        }
        #expect(picture != photo)
    }

    /// 128 pixels added left and right: the original sits unchanged at x = 128.
    @Test func outpaintKeepsTheOriginalInPlace() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("wide.png")
        let result = try EaselProcess.run(
            ["--model", try PipelineFixtures.modelFolder().path, "--steps", "2", "--output", output.path],
            program: "outpaint")
        #expect(result.status == 0, "\(result.standardError)")
        let picture = try Image.load(from: output)
        let photo = try Image.load(from: Self.examples.appendingPathComponent("ExampleSamples/Samples/chelsea.png"))
        #expect(picture.width == photo.width + 256 && picture.height == photo.height)
        var same = true
        for y in 0..<photo.height {
            for x in 0..<photo.width {
                for c in 0..<3 where picture[x + 128, y, c] != photo[x, y, c] { same = false }
            }
        }
        #expect(same)
    }

    /// Examples/ in the source tree (the examples' bundled samples).
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")
}
