import EaselTensor
import EaselTestSupport
import Testing

/// `groupNorm` and `layerNorm` against `F.group_norm` / `F.layer_norm` computed in float64
/// (fixture normalization.safetensors: SD's 320 channels in 32 groups at eps 1e-5 and 1e-6 on an input
/// offset from zero, 64 channels in 32 groups, [N, C] and [N, C, L] inputs, CLIP's [2, 77, 768] LayerNorm,
/// and a LayerNorm row whose mean (10) is a thousand times its spread).
@Suite struct NormalizationTests {
    /// Float32 output of Float64 statistics: a few float ulps of the output's scale.
    static let tolerance: Float = 2.5e-7

    @Test func groupNormMatchesTorch() throws {
        let cases = try OpCases("normalization")
        let names = try cases.names.filter { $0.hasPrefix("gn_") }
        #expect(names.count == 5)
        for name in names {
            let affine = try cases.bool(name, "affine")
            let out = groupNorm(
                try cases.tensor(name, "x"), groups: try cases.int(name, "groups"),
                weight: affine ? try cases.tensor(name, "weight") : nil,
                bias: affine ? try cases.tensor(name, "bias") : nil,
                epsilon: try cases.float(name, "epsilon"))
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("groupNorm", name, error)
            #expect(error <= Self.tolerance, "\(name)")
        }
    }

    @Test func layerNormMatchesTorch() throws {
        let cases = try OpCases("normalization")
        let names = try cases.names.filter { $0.hasPrefix("ln_") }
        #expect(names.count == 2)
        for name in names {
            let affine = try cases.bool(name, "affine")
            let out = layerNorm(
                try cases.tensor(name, "x"),
                weight: affine ? try cases.tensor(name, "weight") : nil,
                bias: affine ? try cases.tensor(name, "bias") : nil,
                epsilon: try cases.float(name, "epsilon"))
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("layerNorm", name, error)
            #expect(error <= Self.tolerance, "\(name)")
        }
    }

    /// The parallel split must not change results: a tensor big enough to use both cores, normalized
    /// whole and one sample at a time (which runs on fewer threads), must agree bit for bit.
    @Test func parallelSplitDoesNotChangeResults() {
        let x = Tensor(shape: [4, 64, 32, 32]) { buffer in
            for i in buffer.indices { buffer[i] = Float((i * 7919) % 1000) / 100 - 5 }
        }
        let whole = groupNorm(x, groups: 32, weight: nil, bias: nil, epsilon: 1e-5)
        let perSample = (0..<4).map { n in
            groupNorm(
                Tensor(shape: [1, 64, 32, 32], scalars: Array(x.scalars[(n * 65536)..<((n + 1) * 65536)])),
                groups: 32, weight: nil, bias: nil, epsilon: 1e-5)
        }
        #expect(whole.scalars == perSample.flatMap(\.scalars))
    }
}
