import EaselImage
import EaselTestSupport
import Foundation

/// Access to the files Tests/Reference/make_image_fixtures.py wrote, and its manifest.json.
enum Fixtures {
    static let folder = FixtureFolder(.module, writtenBy: "make_image_fixtures.py")

    static func url(_ name: String) throws -> URL { try folder.url(name) }

    static func image(_ name: String) throws -> Image { try folder.image(name) }

    /// The error for a file, or a value in the manifest, that the script did not write.
    static func missing(_ name: String) -> MissingFixture { folder.missing(name) }

    static let manifest: Manifest? = try? folder.decodeJSON(Manifest.self, from: "manifest.json")

    static func requireManifest() throws -> Manifest {
        guard let manifest else { throw missing("manifest.json (or it does not decode)") }
        return manifest
    }
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

extension PixelLayout {
    init(manifestName: String) throws {
        guard let layout = PixelLayout(rawValue: manifestName) else { throw Fixtures.missing("layout \(manifestName)") }
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
        default: throw Fixtures.missing("interpolation \(manifestName)")
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
        default: throw Fixtures.missing("filter \(manifestName)")
        }
    }
}
