import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// JPEG, WebP and BMP through the system OpenCV (4.6, libjpeg-turbo 2.1, libwebp 1.2) against
/// opencv-python 5.0's decode of the same files, which Pillow's decode matches for every file but the
/// lossy WebP (checked by the fixture script).
@Suite struct DecodeTests {
    @Test(arguments: Fixtures.manifest?.decode ?? [])
    func decodesLikeOpenCVPython(_ testCase: Manifest.FileCase) throws {
        let file = try ImageFile.load(from: Fixtures.url(testCase.file))
        let expected = try Fixtures.image(testCase.expected)
        #expect(file.image.layout == (try PixelLayout(manifestName: testCase.layout)))
        let difference = try #require(ImageDifference(file.image, expected), "\(testCase.note): size or layout")
        #expect(difference.mismatches == 0, "\(testCase.note): \(difference)")
    }

    @Test func detectsFormatByContentNotName() throws {
        // A JPEG saved under a .png name still decodes, as a JPEG.
        let folder = try TemporaryFolder()
        let misnamed = folder.path("really-a-jpeg.png")
        try FileManager.default.copyItem(at: try Fixtures.url("photo_420.jpg"), to: misnamed)
        let file = try ImageFile.load(from: misnamed)
        #expect(file.format == .jpeg)
        #expect(file.image == (try Fixtures.image("photo_420_jpg.expected.png")))
    }

    @Test func signatures() {
        #expect(ImageFormat.detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
        #expect(ImageFormat.detect([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFormat.detect(Array("RIFF\0\0\0\0WEBP".utf8)) == .webp)
        #expect(ImageFormat.detect(Array("RIFF\0\0\0\0WAVE".utf8)) == nil)
        #expect(ImageFormat.detect(Array("GIF89a".utf8)) == .gif)
        #expect(ImageFormat.detect([0x89, 0x50]) == nil)
    }
}
