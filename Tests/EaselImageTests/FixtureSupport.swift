import EaselImage
import Foundation

/// Access to the files Tests/Reference/make_image_fixtures.py wrote, and its manifest.json.
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw FixtureFileMissing(name: name)
        }
        return url
    }

    static func image(_ name: String) throws -> Image { try Image.load(from: url(name)) }

    static let manifest: Manifest? = {
        guard let url = try? url("manifest.json"), let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }()

    static func requireManifest() throws -> Manifest {
        guard let manifest else { throw FixtureFileMissing(name: "manifest.json (or it does not decode)") }
        return manifest
    }
}

struct FixtureFileMissing: Error, CustomStringConvertible {
    let name: String
    var description: String { "fixture \(name) is missing: run Tests/Reference/make_image_fixtures.py" }
}

struct Manifest: Decodable {
    struct FileCase: Decodable { let file: String; let expected: String; let layout: String; let note: String }
    struct TextCase: Decodable { let file: String; let text: [String: String]; let expected: String? }
    struct BadFiles: Decodable { let truncated: String; let bad_crc: String; let random: String; let empty: String; let gif: String }
    struct CVResize: Decodable {
        let input: String; let width: Int; let height: Int; let interpolation: String; let expected: String
        /// OpenCV's own result where the wheel's (Intel IPP) differs.
        let expected_without_ipp: String?
    }
    struct PillowResize: Decodable {
        let input: String; let width: Int; let height: Int; let filter: String; let box: [Float]?; let expected: String
    }
    struct ModeCase: Decodable {
        let input: String; let width: Int; let height: Int; let mode: Int; let resampler: String; let expected: String
    }
    struct Pair: Decodable { let input: String; let expected: String }
    struct DetectCase: Decodable { let input: String; let resolution: Int; let rule: String; let expected: String }

    let png_decode: [FileCase]
    let png_text: TextCase
    let pil_text: TextCase
    let bad_files: BadFiles
    let decode: [FileCase]
    let cv_resize: [CVResize]
    let pillow_resize: [PillowResize]
    let resize_modes: [ModeCase]
    let hwc3: [Pair]
    let detect_resize: [DetectCase]
    let luma: Pair
}

/// How two images differ: nil when their size or layout differ.
struct ImageDifference: CustomStringConvertible {
    let maxAbsolute: Int
    let mismatches: Int
    let count: Int

    init?(_ actual: Image, _ expected: Image) {
        guard actual.width == expected.width, actual.height == expected.height, actual.layout == expected.layout else {
            return nil
        }
        var maxAbsolute = 0, mismatches = 0
        for (a, e) in zip(actual.pixels, expected.pixels) where a != e {
            mismatches += 1
            maxAbsolute = max(maxAbsolute, abs(Int(a) - Int(e)))
        }
        self.maxAbsolute = maxAbsolute
        self.mismatches = mismatches
        count = actual.pixels.count
    }

    var description: String { "max |diff| \(maxAbsolute), \(mismatches) of \(count) samples differ" }
}

extension PixelLayout {
    init(manifestName: String) throws {
        guard let layout = PixelLayout(rawValue: manifestName) else { throw FixtureFileMissing(name: "layout \(manifestName)") }
        self = layout
    }
}

extension OpenCVInterpolation {
    init(manifestName: String) throws {
        switch manifestName {
        case "nearest": self = .nearest
        case "linear": self = .linear
        case "cubic": self = .cubic
        case "area": self = .area
        case "lanczos4": self = .lanczos4
        default: throw FixtureFileMissing(name: "interpolation \(manifestName)")
        }
    }
}

extension PillowFilter {
    init(manifestName: String) throws {
        switch manifestName {
        case "box": self = .box
        case "bilinear": self = .bilinear
        case "hamming": self = .hamming
        case "bicubic": self = .bicubic
        case "lanczos": self = .lanczos
        default: throw FixtureFileMissing(name: "filter \(manifestName)")
        }
    }
}

/// A fresh empty folder under the temporary directory, for write tests.
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("easel-image-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
