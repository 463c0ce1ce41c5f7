import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// Bad input gives a typed error whose message names the file and the problem; nothing crashes and a
/// failed write leaves no file.
@Suite struct BadInputTests {
    @Test func missingFile() throws {
        let url = URL(fileURLWithPath: "/nonexistent/folder/picture.png")
        #expect(throws: ImageError.fileNotFound(path: url.path)) { try Image.load(from: url) }
        #expect(ImageError.fileNotFound(path: url.path).description.contains("picture.png"))
    }

    @Test func folderInsteadOfFile() throws {
        let folder = try TemporaryFolder()
        #expect(throws: ImageError.unreadable(path: folder.url.path, reason: "it is a folder")) {
            try Image.load(from: folder.url)
        }
    }

    @Test func deviceInsteadOfFile() throws {
        let url = URL(fileURLWithPath: "/dev/zero")
        #expect(throws: ImageError.unreadable(path: "/dev/zero", reason: "it is not a regular file")) {
            try Image.load(from: url)
        }
    }

    @Test func truncatedPNG() throws {
        let manifest = try Fixtures.requireManifest()
        let url = try Fixtures.url(manifest.bad_files.truncated)
        let error = try #require(throws: ImageError.self) { try Image.load(from: url) }
        guard case .corrupt(let path, let format, let reason) = error else {
            Issue.record("expected .corrupt, got \(error)")
            return
        }
        #expect(path == url.path && format == "PNG")
        #expect(reason.contains("truncated"), "\(reason)")
        #expect(error.description.contains("truncated.png"))
    }

    @Test func badCRCInACriticalChunk() throws {
        let url = try Fixtures.url(try Fixtures.requireManifest().bad_files.bad_crc)
        let error = try #require(throws: ImageError.self) { try Image.load(from: url) }
        guard case .corrupt(_, "PNG", let reason) = error else {
            Issue.record("expected .corrupt, got \(error)")
            return
        }
        #expect(reason.contains("CRC"), "\(reason)")
    }

    @Test func randomBytesAndEmptyFile() throws {
        let manifest = try Fixtures.requireManifest()
        let random = try Fixtures.url(manifest.bad_files.random)
        #expect(throws: ImageError.notAnImage(path: random.path, reason: "its first bytes match no known image format")) {
            try Image.load(from: random)
        }
        let empty = try Fixtures.url(manifest.bad_files.empty)
        #expect(throws: ImageError.notAnImage(path: empty.path, reason: "the file is empty")) {
            try Image.load(from: empty)
        }
    }

    @Test func unsupportedGIF() throws {
        let url = try Fixtures.url(try Fixtures.requireManifest().bad_files.gif)
        #expect(throws: ImageError.unsupportedFormat(path: url.path, format: "GIF")) { try Image.load(from: url) }
    }

    @Test func damagedJPEGAndWebP() throws {
        // A JPEG or WebP signature followed by garbage.
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
        jpeg += [UInt8](repeating: 0x41, count: 60)
        #expect(throws: ImageError.self) { try Image.decode(jpeg, name: "fake.jpg") }
        let webp = Array("RIFF\u{10}\0\0\0WEBPVP8 garbage".utf8)
        #expect(throws: ImageError.self) { try Image.decode(webp, name: "fake.webp") }
        let truncatedJPEG = Array(try Data(contentsOf: try Fixtures.url("photo_420.jpg")).prefix(200))
        // libjpeg fills a truncated scan with gray and warns; either an image or an error is fine, no crash.
        _ = try? Image.decode(truncatedJPEG, name: "cut.jpg")
    }

    @Test func writingIntoAMissingFolderLeavesNothing() throws {
        let folder = try TemporaryFolder()
        let url = folder.path("missing/out.png")
        let image = try Image(width: 3, height: 2, layout: .rgb)
        let error = try #require(throws: ImageError.self) { try image.writePNG(to: url) }
        #expect(error.description.contains("out.png") && error.description.contains("does not exist"), "\(error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func writingOverAFolderFailsAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryFolder()
        let target = folder.path("taken")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let image = try Image(width: 3, height: 2, layout: .rgb)
        #expect(throws: ImageError.self) { try image.writePNG(to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["taken"])
    }

    @Test func unwritableFolderLeavesNothing() throws {
        guard getuid() != 0 else { return }  // root ignores permissions
        let folder = try TemporaryFolder()
        defer { chmod(folder.url.path, 0o755) }  // writable again, so that it can be removed
        chmod(folder.url.path, 0o555)
        let image = try Image(width: 3, height: 2, layout: .rgb)
        #expect(throws: ImageError.self) { try image.writePNG(to: folder.path("out.png")) }
    }

    @Test func zeroSizeAndMismatchedImages() {
        #expect(throws: ImageError.self) { try Image(width: 0, height: 5, layout: .rgb) }
        #expect(throws: ImageError.self) { try Image(width: 2, height: 2, layout: .rgb, pixels: [1, 2, 3]) }
        #expect(throws: ImageError.self) {
            try Image(planarFloats: [0, 1], width: 1, height: 1, layout: .rgb, range: .zeroToOne)
        }
    }
}
