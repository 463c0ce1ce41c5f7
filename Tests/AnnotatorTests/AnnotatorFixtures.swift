import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// The files Tests/Reference/make_annotator_fixtures.py wrote, and its manifest.json.
enum AnnotatorFixtures {
    static let folder = FixtureFolder(.module, writtenBy: "make_annotator_fixtures.py")

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

    static let manifest: Manifest? = try? folder.decodeJSON(Manifest.self, from: "manifest.json")

    static func url(_ name: String) throws -> URL { try folder.url(name) }

    static func image(_ name: String) throws -> Image { try folder.image(name) }
}

/// Checks a map against a case's reference. Where the opencv-python wheel's map went through Intel IPP's
/// INTER_CUBIC (system OpenCV has no IPP), the map must equal the IPP-free reference exactly and may differ
/// from the wheel's on at most `ippBound` samples; otherwise it must equal the reference exactly.
func expectMatches(_ map: Image, expected: String, withoutIPP: String?, ippBound: Int,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let reference = try AnnotatorFixtures.image(expected).hwc3()
    guard let wheel = ImageDifference(map, reference) else {
        Issue.record("\(expected): map is \(map.width)x\(map.height) \(map.layout), reference \(reference.width)x\(reference.height)",
                     sourceLocation: sourceLocation)
        return
    }
    if let withoutIPP {
        let own = try #require(ImageDifference(map, try AnnotatorFixtures.image(withoutIPP).hwc3()), sourceLocation: sourceLocation)
        #expect(own.mismatches == 0, "\(withoutIPP): \(own.mismatches) samples differ", sourceLocation: sourceLocation)
        #expect(wheel.mismatches <= ippBound, "\(expected) (Intel IPP): \(wheel.mismatches) samples differ",
                sourceLocation: sourceLocation)
    } else {
        #expect(wheel.mismatches == 0, "\(expected): \(wheel.mismatches) samples differ, max \(wheel.maxAbsolute)",
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
