import EaselTensor
import EaselTestSupport
import Testing

/// The pools against `F.max_pool2d`, `F.avg_pool2d` and `F.adaptive_avg_pool2d` (fixture pooling.safetensors):
/// OpenPose's 2x2 stride-2 max pool, ceil and floor mode on odd sizes, padded 3x3 windows with and without
/// counting the padding, and adaptive pools to UperNet's 1, 2, 3, 6, to 5x7 and up to 6 from 4x5.
@Suite struct PoolingTests {
    /// Max pooling selects: exact.
    static let maxTolerance: Float = 0
    /// Averages are summed in Float64 and rounded once; the reference is float64.
    static let averageTolerance: Float = 1e-7

    @Test func maxPoolMatchesTorch() throws {
        let cases = try OpCases("pooling")
        let names = try cases.names.filter { $0.hasPrefix("max_") }
        #expect(names.count == 5)
        for name in names {
            let out = maxPool2d(
                try cases.tensor(name, "x"), kernel: try cases.int(name, "kernel"),
                stride: try cases.int(name, "stride"), padding: try cases.int(name, "padding"),
                ceilMode: try cases.bool(name, "ceil_mode"))
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("maxPool2d", name, error)
            #expect(error <= Self.maxTolerance, "\(name)")
        }
    }

    @Test func avgPoolMatchesTorch() throws {
        let cases = try OpCases("pooling")
        let names = try cases.names.filter { $0.hasPrefix("avg_") }
        #expect(names.count == 6)
        for name in names {
            let out = avgPool2d(
                try cases.tensor(name, "x"), kernel: try cases.int(name, "kernel"),
                stride: try cases.int(name, "stride"), padding: try cases.int(name, "padding"),
                ceilMode: try cases.bool(name, "ceil_mode"), countIncludePad: try cases.bool(name, "count_include_pad"))
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("avgPool2d", name, error)
            #expect(error <= Self.averageTolerance, "\(name)")
        }
    }

    @Test func adaptiveAvgPoolMatchesTorch() throws {
        let cases = try OpCases("pooling")
        let names = try cases.names.filter { $0.hasPrefix("adaptive_") }
        #expect(names.count == 6)
        for name in names {
            let size = try cases.ints(name, "output_size")
            let out = adaptiveAvgPool2d(try cases.tensor(name, "x"), outputSize: (size[0], size[1]))
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("adaptiveAvgPool2d", name, error)
            #expect(error <= Self.averageTolerance, "\(name)")
        }
    }

    /// torch's ceil mode on a 7-wide input with a 2x2 stride-2 window: 4 outputs, the last covering one
    /// column; floor mode gives 3.
    @Test func ceilModeKeepsTheLastPartialWindow() {
        let row = Tensor(shape: [1, 1, 2, 7], scalars: [1, 5, 2, 3, 9, 4, 7, 0, 0, 0, 0, 0, 0, 8])
        #expect(maxPool2d(row, kernel: 2, ceilMode: true).scalars == [5, 3, 9, 8])
        #expect(maxPool2d(row, kernel: 2, ceilMode: false).scalars == [5, 3, 9])
    }
}
