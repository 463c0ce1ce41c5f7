import EaselImage
import Foundation
import Testing

/// The files Tests/Reference/make_annotator_fixtures.py wrote, and its manifest.json.
enum AnnotatorFixtures {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "fixture \(name) is missing: run Tests/Reference/make_annotator_fixtures.py" }
    }

    struct CannyCase: Decodable, Sendable {
        let input: String; let low: Double; let high: Double
        let detect_resolution: Int; let image_resolution: Int; let expected: String
        /// The map made with Intel IPP off, where the wheel's map differs.
        let expected_without_ipp: String?
    }
    struct ScribbleCase: Decodable, Sendable {
        let input: String; let inverted: Bool; let resolution: Int; let expected: String
        let expected_without_ipp: String?
    }
    struct InputDigest: Decodable, Sendable { let width: Int; let height: Int; let crc32: UInt32 }
    struct Manifest: Decodable {
        let canny: [CannyCase]; let scribble: [ScribbleCase]
        /// CRC-32 of each sample's RGB pixels as Pillow (and cv2.imdecode) decode them.
        let inputs: [String: InputDigest]
    }

    static let manifest: Manifest? = {
        guard let url = try? url("manifest.json"), let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }()

    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw Missing(name: name)
        }
        return url
    }

    static func image(_ name: String) throws -> Image { try Image.load(from: url(name)) }
}

/// Samples that differ between two maps of the same size and layout (nil when they do not match).
func mismatches(_ actual: Image, _ expected: Image) -> (count: Int, maxAbsolute: Int)? {
    guard actual.width == expected.width, actual.height == expected.height, actual.layout == expected.layout else {
        return nil
    }
    var count = 0, maxAbsolute = 0
    for (a, e) in zip(actual.pixels, expected.pixels) where a != e {
        count += 1
        maxAbsolute = max(maxAbsolute, abs(Int(a) - Int(e)))
    }
    return (count, maxAbsolute)
}

/// Checks a map against a case's reference. Where the opencv-python wheel's map went through Intel IPP's
/// INTER_CUBIC (system OpenCV has no IPP), the map must equal the IPP-free reference exactly and may differ
/// from the wheel's on at most `ippBound` samples; otherwise it must equal the reference exactly.
func expectMatches(_ map: Image, expected: String, withoutIPP: String?, ippBound: Int,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let reference = try AnnotatorFixtures.image(expected).hwc3()
    guard let wheel = mismatches(map, reference) else {
        Issue.record("\(expected): map is \(map.width)x\(map.height) \(map.layout), reference \(reference.width)x\(reference.height)",
                     sourceLocation: sourceLocation)
        return
    }
    if let withoutIPP {
        let own = try #require(mismatches(map, try AnnotatorFixtures.image(withoutIPP).hwc3()), sourceLocation: sourceLocation)
        #expect(own.count == 0, "\(withoutIPP): \(own.count) samples differ", sourceLocation: sourceLocation)
        #expect(wheel.count <= ippBound, "\(expected) (Intel IPP): \(wheel.count) samples differ", sourceLocation: sourceLocation)
    } else {
        #expect(wheel.count == 0, "\(expected): \(wheel.count) samples differ, max \(wheel.maxAbsolute)",
                sourceLocation: sourceLocation)
    }
}

/// zlib's CRC-32 (polynomial 0xEDB88320), as Python's `zlib.crc32`.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var table = [UInt32](repeating: 0, count: 256)
    for index in 0..<256 {
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        table[index] = value
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}
