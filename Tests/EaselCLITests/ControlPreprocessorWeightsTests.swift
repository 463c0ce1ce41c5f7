import EaselTestSupport
import Foundation
import Testing

/// `--control ...,preprocessor=pose|seg|depth|depth_anything` finds the annotator's weights in the models folder; without one the run
/// fails (exit 1) with a line naming the file expected, and writes nothing.
@Suite struct ControlPreprocessorWeightsTests {
    @Test(arguments: [("pose", "body_pose_model.pth"), ("seg", "upernet-convnext-small"),
                      ("depth", "dpt_hybrid-midas-501f0c75.pt"), ("depth_anything", "depth-anything-small-hf")])
    func missingWeightsAreNamed(preprocessor: String, expected: String) throws {
        guard ProcessInfo.processInfo.environment["EASEL_MODELS"] == nil else { return }
        let folder = try TemporaryFolder()
        let output = folder.path("out.png")
        let control = "model=\(try PipelineFixtures.folder.url("ControlPipeline_net_a").path),"
            + "image=\(try PipelineFixtures.initImageURL().path),preprocessor=\(preprocessor)"
        let result = try EaselProcess.run([
            "generate", "--model", try PipelineFixtures.modelFolder().path, "--prompt", "a cat", "--steps", "1",
            "--control", control, "--output", output.path,
        ])
        #expect(result.status == 1, "\(result.standardError)")
        #expect(result.standardError.contains(expected), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
