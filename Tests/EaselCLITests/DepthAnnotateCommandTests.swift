import DepthAnnotator
import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// `easel annotate depth`: the written map is the library's (MiDaS DPT-hybrid and Depth Anything from transformers folders,
/// the normal map), and missing weights or stray options are clear errors.
@Suite struct DepthAnnotateCommandTests {
    /// The tiny random depth models of the annotator tests (make_depth_fixtures.py), read from the source tree.
    static let fixtures = SegAnnotateCommandTests.fixtures
    static let input = fixtures.appendingPathComponent("Segmentation_input.png")

    @Test(arguments: [
        ("Depth_dpt_hybrid", DepthAnnotator.Kind.midas, false), ("Depth_dpt_hybrid", .midas, true),
        ("Depth_depth_anything", .depthAnything, false),
    ])
    func writesTheLibrarysMap(model: String, kind: DepthAnnotator.Kind, normal: Bool) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("depth.png")
        let modelURL = Self.fixtures.appendingPathComponent(model)
        var args = ["annotate", "depth", Self.input.path, "--model", modelURL.path, "--resolution", "64",
                    "--depth-model", kind.rawValue, "-o", output.path]
        if normal { args.append("--normal") }
        let result = try EaselProcess.run(args)
        #expect(result.status == 0, "\(result.standardError)")
        let annotator = try DepthAnnotator(kind: kind, contentsOf: modelURL, output: normal ? .normal : .depth)
        let expected = try annotator.annotate(try Image.load(from: Self.input), options: .init(detectResolution: 64))
        #expect(try Image.load(from: output).converted(to: .rgb) == expected.converted(to: .rgb))
    }

    @Test func missingWeightsAndStrayOptions() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.png").path
        let missing = try EaselProcess.run(["annotate", "depth", Self.input.path, "--models", folder.url.path, "-o", output])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("dpt_hybrid-midas-501f0c75.pt"))
        for args in [["annotate", "canny", Self.input.path, "--normal", "-o", output],
                     ["annotate", "seg", Self.input.path, "--depth-model", "midas", "-o", output],
                     ["annotate", "depth", Self.input.path, "--depth-model", "zoe", "-o", output]] {
            let result = try EaselProcess.run(args)
            #expect(result.status == 2, "\(args): \(result.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }
}
