import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// The activations against torch in float64 (fixture activations.safetensors: 2401 points on [-12, 12]
/// and 2048 normal samples of scale 3).
@Suite struct ActivationTests {
    /// One float evaluation of exp / erf / tanh per element: a few ulps.
    static let tolerance: Float = 2.5e-7

    static let functions: [(String, @Sendable (Tensor) -> Tensor)] = [
        ("silu", silu),
        ("gelu", { gelu($0) }),
        ("gelu_tanh", { gelu($0, approximate: .tanh) }),
        ("quick_gelu", quickGELU),
        ("relu", relu),
        ("sigmoid", sigmoid),
    ]

    @Test func activationsMatchTorch() throws {
        let cases = try OpCases("activations")
        #expect(try cases.names.count == Self.functions.count)
        for (name, function) in Self.functions {
            let error = maxRelativeError(function(try cases.tensor(name, "x")), try cases.tensor(name, "out"))
            report("activations", name, error)
            #expect(error <= Self.tolerance, "\(name)")
        }
    }

    /// relu is a selection, so it is exact.
    @Test func reluIsExact() throws {
        let cases = try OpCases("activations")
        #expect(relu(try cases.tensor("relu", "x")) == (try cases.tensor("relu", "out")))
    }

    /// A tensor large enough to be split over the cores gives exactly the serial per-element values.
    @Test func parallelMapCoversEveryElement() {
        let n = 300_001
        let x = Tensor(shape: [n]) { buffer in
            for i in buffer.indices { buffer[i] = Float(i % 2001) / 100 - 10 }
        }
        let expected = x.scalars.map { v in v / (1 + Foundation.exp(-v)) }
        #expect(silu(x).scalars == expected)
    }
}
