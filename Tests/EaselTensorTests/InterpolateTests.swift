import EaselTensor
import EaselTestSupport
import Testing

/// `interpolate` against `F.interpolate` (fixture interpolate.safetensors): nearest x2 by scale factor on
/// SD's [1, 320, 8, 8] (diffusers' Upsample2D), nearest to an odd skip size, to a mixed up/down size and by
/// non-integer factors; bilinear with align_corners False and True, up, down, mixed, and by factors
/// (where torch maps coordinates with 1 / factor rather than in / out), all on odd sizes.
@Suite struct InterpolateTests {
    /// Nearest copies elements: exact.
    static let nearestTolerance: Float = 0
    /// Bilinear blends in Float64 and rounds once: within about one float ulp of the float64 reference.
    /// (torch's own float32 kernel, which rounds coordinates to Float, is up to 8.2e-7 off on these cases.)
    static let bilinearTolerance: Float = 2.5e-7

    @Test func matchesTorch() throws {
        let cases = try OpCases("interpolate")
        let names = try cases.names
        #expect(names.count == 15)
        for name in names {
            let x = try cases.tensor(name, "x")
            let isNearest = try cases.string(name, "mode") == "nearest"
            let mode: InterpolationMode = isNearest ? .nearest : .bilinear
            let align = isNearest ? false : try cases.bool(name, "align_corners")
            let out: Tensor
            if cases.fixture.file.metadata["\(name).size"] != nil {
                let size = try cases.ints(name, "size")
                out = interpolate(x, size: (size[0], size[1]), mode: mode, alignCorners: align)
            } else {
                let scale = try cases.doubles(name, "scale")
                out = scale[0] == scale[1]
                    ? interpolate(x, scaleFactor: scale[0], mode: mode, alignCorners: align)
                    : interpolate(x, scaleFactors: (scale[0], scale[1]), mode: mode, alignCorners: align)
            }
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("interpolate", name, error)
            #expect(error <= (isNearest ? Self.nearestTolerance : Self.bilinearTolerance), "\(name)")
        }
    }

    /// With a scale factor torch maps coordinates with 1 / factor, not in / out: 9 columns at 1.7 give 15,
    /// and column 5 reads floor(5 / 1.7) = 2 where floor(5 * 9 / 15) = 3 (values from torch 2.13).
    @Test func scaleFactorMapsWithItsReciprocal() {
        let x = Tensor(shape: [1, 1, 1, 9], scalars: (0..<9).map(Float.init))
        let byFactor = interpolate(x, scaleFactors: (1, 1.7)).scalars
        let bySize = interpolate(x, size: (1, 15)).scalars
        #expect(byFactor == [0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 7, 7, 8])
        #expect(bySize == [0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 7, 7, 8])
    }
}
