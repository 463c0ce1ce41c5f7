import EaselImage
import EaselTestSupport
import Foundation

/// The files Tests/Reference/make_mask_fixtures.py wrote (Fixtures/Mask_*) and its Mask_manifest.json.
enum MaskFixtures {
    static let folder = FixtureFolder(.module, writtenBy: "make_mask_fixtures.py")

    static func image(_ name: String) throws -> Image { try folder.image(name) }

    /// A gray PNG as a mask.
    static func mask(_ name: String) throws -> Mask {
        let image = try folder.image(name)
        guard image.layout == .gray else { throw folder.missing("\(name) as a gray image") }
        return try Mask(width: image.width, height: image.height, values: image.pixels)
    }

    /// A raw little-endian float32 file.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: folder.url(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    static func manifest() throws -> MaskManifest {
        try folder.decodeJSON(MaskManifest.self, from: "Mask_manifest.json")
    }
}

struct MaskManifest: Decodable {
    struct Read: Decodable {
        let alpha_round: String; let alpha_noround: String; let opaque: String
        let rgb_luminance: String; let rgba_luminance: String
    }
    struct Blur: Decodable { let x: Int; let y: Int; let expected: String }
    struct PillowBlur: Decodable { let radius: Float; let expected: String }
    struct Fill: Decodable { let mask: String; let expected: String }
    struct Crop: Decodable {
        let box: [Int]; let padding: Int; let width: Int; let height: Int; let region: [Int]; let expanded: [Int]
    }
    struct OverlayWhole: Decodable { let mask_doubled: String; let overlay: String; let expected: String }
    struct OverlayMasked: Decodable { let region: [Int]; let generated: String; let expected: String }
    struct LatMask: Decodable { let mask: String; let width: Int; let height: Int; let round: String; let noround: String }
    struct Diffusers: Decodable {
        let width: Int; let height: Int; let crop: [Int]?
        let image: String; let mask: String; let masked_image: String; let latent_mask: String
    }
    struct Canvas: Decodable {
        let left: Int; let top: Int; let right: Int; let bottom: Int; let seed: UInt64
        let edge: String; let mirror: String; let noise: String; let gray: String
    }

    struct A1111Init: Decodable {
        let name: String; let source: String; let width: Int; let height: Int; let blur_x: Int; let blur_y: Int
        let invert: Bool; let fill: Int; let padding: Int?; let resize_mode: Int; let region: [Int]?
        let image: String; let mask: String; let overlay: String; let latmask: String; let finished: String
    }

    let photo: String
    let mask: String
    let rgba_alpha: String
    let rgba_opaque: String
    let read: Read
    let blur: [Blur]
    let pillow_blur: [PillowBlur]
    let fill: [Fill]
    let crop: [Crop]
    let generated: String
    let overlay_whole: OverlayWhole
    let overlay_masked: OverlayMasked
    let latmask: LatMask
    let diffusers: [Diffusers]
    let canvas_source: String
    let canvas: Canvas
    let a1111_init: [A1111Init]
    struct DiffusersOverlay: Decodable { let crop: [Int]; let generated: String; let expected: String }
    let diffusers_overlay: DiffusersOverlay
    let controlnet_inpaint: String
    let diffusers_blur: String
}

extension PixelRegion {
    init(_ values: [Int]) { self.init(x1: values[0], y1: values[1], x2: values[2], y2: values[3]) }
}

/// Bitwise float equality (so -0 and 0 differ, as the reference's bytes do).
func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// How `actual` differs from `expected`, for a failure message.
func differenceText(_ actual: Image, _ expected: Image) -> String {
    ImageDifference(actual, expected).map(\.description) ?? "\(actual) vs \(expected)"
}
