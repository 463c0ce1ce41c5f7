@testable import EaselTensor
import Foundation
import Testing

/// `softmax` against `torch.softmax` (float64 reference) along several axes, with logits large
/// enough to overflow `exp` unless the maximum is subtracted.
@Suite struct SoftmaxTests {
    /// The vectorised exp is within ~2 ulp; the sum and the reciprocal add a few more.
    static let tolerance: Float = 2e-6

    @Test(arguments: [
        "last_axis_77", "axis1", "axis0_wide", "rows_of_64", "rows_of_5", "large_logits", "single_element_axis",
    ])
    func matchesTorch(_ name: String) throws {
        let c = try GEMMOpCase("softmax.safetensors", name)
        let x = GEMMOpInputs.uniform(try c.ints("shape"), seed: try c.int("seed"), scale: try c.float("scale"))
        try c.expectMatch(softmax(x, axis: try c.int("axis")), tolerance: Self.tolerance)
    }

    /// Rows whose logits are -infinity except one get exactly one-hot outputs (exp(-inf) is 0).
    @Test func negativeInfinityGivesZeroWeight() {
        let x = Tensor(shape: [2, 3], scalars: [-.infinity, 2, -.infinity, 0, -.infinity, -.infinity])
        #expect(softmax(x, axis: 1).scalars == [0, 1, 0, 1, 0, 0])
    }

    /// The softmax exponential against double-precision `exp` over the whole normal range:
    /// relative error below 2e-7 (about 1.5 ulp), exactly 0 below the normal range, NaN kept.
    @Test func exponentialIsAccurate() {
        var worst = 0.0
        var x: Float = -87.3
        while x < 88.3 {
            let reference = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(exponential(x)) - reference) / reference)
            x += 0.001_37
        }
        #expect(worst < 2e-7, "worst relative error \(worst)")
        #expect(exponential(0) == 1)
        #expect(exponential(-.infinity) == 0)
        #expect(exponential(-100) == 0)
        #expect(exponential(.nan).isNaN)
    }
}
