import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// The inputs of the GEMM-op fixtures, regenerated instead of stored (SD-sized weights would not fit
/// the fixture budget): a bit-exact mirror of `seeded_uniform` in Tests/Reference/make_gemm_op_fixtures.py.
///
/// Value `i` of seed `s` is `k * 2^-23 - 1` (times a power-of-two `scale`), where `k` is the top 24 bits
/// of splitmix64's output for the counter `s * 2^32 + i`. Every step is exact in float32, so both sides
/// produce the same bits.
enum GEMMOpInputs {
    static func uniform(_ shape: [Int], seed: Int, scale: Float = 1) -> Tensor {
        let base = UInt64(seed) << 32
        return Tensor(shape: shape) { buffer in
            for i in 0..<buffer.count {
                var z = base &+ UInt64(i) &+ 0x9E37_79B9_7F4A_7C15
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                buffer[i] = (Float(z >> 40) * 0x1p-23 - 1) * scale
            }
        }
    }
}

/// One case of a GEMM-op fixture file: its reference output (the tensor named like the case) and its
/// parameters (metadata keys "<case>.<key>").
struct GEMMOpCase {
    let fixture: ReferenceFixture
    let name: String

    init(_ file: String, _ name: String) throws {
        fixture = try ReferenceFixture(file, in: .module)
        self.name = name
    }

    var expected: Tensor { get throws { try fixture.tensor(name) } }
    func string(_ key: String) throws -> String { try fixture.string("\(name).\(key)") }
    func int(_ key: String) throws -> Int { try fixture.int("\(name).\(key)") }
    func ints(_ key: String) throws -> [Int] { try fixture.ints("\(name).\(key)") }
    func float(_ key: String) throws -> Float { try fixture.float("\(name).\(key)") }
    func flag(_ key: String) throws -> Bool { try int(key) != 0 }

    func pair(_ key: String) throws -> (Int, Int) {
        let values = try ints(key)
        try #require(values.count == 2, "\(name).\(key) should be a pair, got \(values)")
        return (values[0], values[1])
    }

    /// Checks `actual` against the reference within `tolerance` (max |a - e| / max |e|) and prints the
    /// measured error, so the margin is visible in the test log.
    func expectMatch(_ actual: Tensor, tolerance: Float, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try expected
        #expect(actual.shape == expected.shape, "\(name): shape", sourceLocation: sourceLocation)
        let error = maxRelativeError(actual, expected)
        print("\(name): max relative error \(error) (tolerance \(tolerance))")
        #expect(error <= tolerance, "\(name): max relative error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct GEMMOpInputsTests {
    /// The Swift generator reproduces the Python one bit for bit (including a seed above 2^31 and a scale).
    @Test func matchesThePythonGenerator() throws {
        let fixture = try ReferenceFixture("conv2d.safetensors", in: .module)
        #expect(GEMMOpInputs.uniform([4, 8], seed: 7) == (try fixture.tensor("generator_check")))
        #expect(
            GEMMOpInputs.uniform([3, 5], seed: 4_000_000_000, scale: 0.25)
                == (try fixture.tensor("generator_check_scaled")))
    }
}
