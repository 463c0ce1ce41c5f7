import EaselTensor
import EaselTestSupport
import Testing

/// `pad` against `F.pad` (fixture padding.safetensors): constant with value 0 (diffusers' Downsample2D
/// (0, 1, 0, 1)), another value, and negative amounts (cropping); reflect, up to the largest amounts
/// torch allows; replicate; and a [C, H, W] input.
@Suite struct PaddingTests {
    /// Padding copies elements: exact.
    static let tolerance: Float = 0

    @Test func matchesTorch() throws {
        let cases = try OpCases("padding")
        let names = try cases.names
        #expect(names.count == 7)
        for name in names {
            let pads = try cases.ints(name, "pads")
            let mode: PaddingMode
            switch try cases.string(name, "mode") {
            case "reflect": mode = .reflect
            case "replicate": mode = .replicate
            default: mode = .constant(try cases.float(name, "value"))
            }
            let out = pad(
                try cases.tensor(name, "x"), left: pads[0], right: pads[1], top: pads[2], bottom: pads[3], mode: mode)
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("pad", name, error)
            #expect(error <= Self.tolerance, "\(name)")
        }
    }
}
