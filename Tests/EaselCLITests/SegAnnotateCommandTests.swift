import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// `easel annotate seg`: the written map is the library's, the model is found by --model or --models, and a
/// missing model is a one-line error naming the folder expected.
@Suite struct SegAnnotateCommandTests {
    /// The tiny random UperNet of the annotator tests (Tests/AnnotatorTests/Fixtures, written by
    /// make_segmentation_fixtures.py), read from the source tree rather than copied into this target.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("AnnotatorTests/Fixtures")

    @Test func writesAMapWithTheModelGivenEitherWay() throws {
        let folder = try TemporaryFolder()
        let input = Self.fixtures.appendingPathComponent("Segmentation_input.png")
        let model = Self.fixtures.appendingPathComponent("Segmentation_model")
        let direct = folder.path("direct.png")
        let byFolder = folder.path("folder.png")
        let first = try EaselProcess.run(
            ["annotate", "seg", input.path, "--model", model.path, "--resolution", "64", "-o", direct.path])
        #expect(first.status == 0, "\(first.standardError)")
        // A models folder holding the model under its usual name.
        let models = try folder.subfolder("models")
        try FileManager.default.copyItem(at: model, to: models.appendingPathComponent("upernet-convnext-small"))
        let second = try EaselProcess.run(
            ["annotate", "seg", input.path, "--models", models.path, "--resolution", "64", "-o", byFolder.path])
        #expect(second.status == 0, "\(second.standardError)")
        let map = try Image.load(from: direct)
        #expect(map == (try Image.load(from: byFolder)))
        // Painted with palette colours: more than one class on a photo.
        var colours = Set<[UInt8]>()
        for i in stride(from: 0, to: map.pixels.count, by: map.channels) { colours.insert(Array(map.pixels[i..<i + 3])) }
        #expect(colours.count > 1)
    }

    @Test func missingModelAndWrongOptions() throws {
        let folder = try TemporaryFolder()
        let input = Self.fixtures.appendingPathComponent("Segmentation_input.png").path
        let output = folder.path("out.png").path
        let missing = try EaselProcess.run(
            ["annotate", "seg", input, "--models", folder.url.path, "-o", output])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("upernet-convnext-small"))
        for args in [["annotate", "seg", input, "--json", "x.json", "-o", output],
                     ["annotate", "canny", input, "--model", "m", "-o", output]] {
            let result = try EaselProcess.run(args)
            #expect(result.status == 2, "\(args): \(result.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }
}
