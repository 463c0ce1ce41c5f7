import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// PNG reading of every bit depth / color type (vs values computed with NumPy from the raw samples) and
/// text chunks, and the write-read round trip.
@Suite struct PNGTests {
    @Test(arguments: Fixtures.manifest?.png_decode ?? [])
    func decodesEveryFlavourTo8Bits(_ testCase: Manifest.FileCase) throws {
        let image = try Fixtures.image(testCase.file)
        let expected = try Fixtures.image(testCase.expected)
        #expect(image.layout == (try PixelLayout(manifestName: testCase.layout)), "\(testCase.note)")
        let difference = try #require(ImageDifference(image, expected), "\(testCase.note): size or layout")
        #expect(difference.mismatches == 0, "\(testCase.note): \(difference)")
    }

    @Test func readsTextChunksBeforeAndAfterTheImage() throws {
        let manifest = try Fixtures.requireManifest()
        let file = try ImageFile.load(from: Fixtures.url(manifest.png_text.file))
        #expect(file.format == .png)
        #expect(file.text == manifest.png_text.text)
    }

    @Test func readsPillowWrittenText() throws {
        let manifest = try Fixtures.requireManifest()
        let file = try ImageFile.load(from: Fixtures.url(manifest.pil_text.file))
        #expect(file.text == manifest.pil_text.text)
        #expect(file.image == (try Fixtures.image(try #require(manifest.pil_text.expected))))
    }

    @Test(arguments: PixelLayout.allCases)
    func roundTripsPixelsAndText(_ layout: PixelLayout) throws {
        let photo = try Fixtures.image("rgba.png").converted(to: layout)
        let text = [
            "parameters": "a cat\nNegative prompt: dog\nSteps: 20, Seed: 42",
            "latin": "caf\u{e9} cr\u{e8}me",
            "unicode": "snowman \u{2603} \u{65e5}\u{672c}",
            "empty": "",
        ]
        let folder = try TemporaryFolder()
        let url = folder.path("out.png")
        try photo.writePNG(to: url, text: text)
        let file = try ImageFile.load(from: url)
        #expect(file.image == photo)
        #expect(file.text == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out.png"])
    }

    @Test func overwritesAnExistingFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.path("out.png")
        try Data("old".utf8).write(to: url)
        let image = try Fixtures.image("gray.png")
        try image.writePNG(to: url)
        #expect(try Image.load(from: url) == image)
    }

    @Test func rejectsInvalidTextKeys() throws {
        let image = try Image(width: 2, height: 2, layout: .gray)
        for key in ["", " leading", "trailing ", "double  space", String(repeating: "k", count: 80), "snow\u{2603}"] {
            #expect(throws: ImageError.self) { try image.pngData(text: [key: "value"]) }
        }
        #expect(throws: ImageError.self) { try image.pngData(text: ["key": "nul\u{0}inside"]) }
    }
}
