import Foundation

/// Per-residual factors for a ControlNet's outputs (`ControlNetModel.callAsFunction(...scales:)`): one per down
/// residual, then the mid residual's. diffusers' conditioning scale and guess mode, and the A1111 extension's
/// control modes, are all such lists.
public enum ControlNetResidualScales {
    /// Every residual times `conditioningScale` (diffusers' `conditioning_scale`).
    public static func uniform(_ conditioningScale: Float, count: Int) -> [Float] {
        Array(repeating: conditioningScale, count: count)
    }

    /// diffusers' guess mode: `torch.logspace(-1, 0, count) * conditioning_scale`, from 0.1 on `conv_in`'s
    /// residual to 1 on the mid residual, computed as torch does in float32 (the exponent in double, each value
    /// rounded to float32 once, the product with the scale in float32).
    public static func guessMode(_ conditioningScale: Float, count: Int) -> [Float] {
        logspace(count).map { $0 * conditioningScale }
    }

    /// `torch.logspace(-1, 0, count)` in float32 (ATen's CPU kernel: the first half counted up from the start,
    /// the second half down from the end, so both ends are exact).
    static func logspace(_ count: Int) -> [Float] {
        guard count > 1 else { return count == 1 ? [0.1] : [] }
        let (start, end) = (-1.0, 0.0)
        let step = (end - start) / Double(count - 1)
        let halfway = count / 2
        return (0..<count).map { index in
            let exponent = index < halfway ? start + step * Double(index) : end - step * Double(count - index - 1)
            return Float(Foundation.pow(10.0, exponent))
        }
    }

    /// The A1111 ControlNet extension's soft injection ("My prompt is more important", and the scaling of
    /// "ControlNet is more important"): residual `i` of `count` times `weight * 0.825^(count - 1 - i)`, so the mid
    /// residual keeps the full weight and `conv_in`'s gets `0.825^12` of it (REFERENCE.md section 10).
    public static func softInjection(weight: Float, count: Int = 13) -> [Float] {
        (0..<count).map { index in Float(Double(weight) * Foundation.pow(0.825, Double(count - 1 - index))) }
    }
}
