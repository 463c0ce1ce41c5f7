import Foundation

/// The scalar arithmetic diffusers does while building a schedule, reproduced operation by operation.
///
/// diffusers mixes three kinds of arithmetic: torch float32 tensors (betas, alphas_cumprod, the sigma table, the
/// 0-dim coefficients in `step`), numpy float64 (np.linspace, np.interp, the Karras formula) and Python floats.
/// Each helper here names the call it matches; float32 results are rounded once per torch op.
enum ScheduleMath {
    /// `torch.linspace(start, end, count, dtype=torch.float32)` on the CPU: `step = (end - start) / (count - 1)`
    /// in float, the first half `start + step * i` and the second half `end - step * (count - 1 - i)`, each a
    /// fused multiply-add (one rounding), which is what the vectorised kernel's result equals.
    static func torchLinspace(_ start: Float, _ end: Float, count: Int) -> [Float] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Float(count - 1)
        let halfway = count / 2
        return (0..<count).map { i in
            i < halfway
                ? start.addingProduct(step, Float(i))
                : end.addingProduct(-step, Float(count - 1 - i))
        }
    }

    /// `np.linspace(start, stop, count)` in float64: `i * step + start`, the last value set to `stop`.
    static func numpyLinspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }

    /// `np.arange(start, 0, -step)` for a float step (the "trailing" spacing): `start - i * step` while > 0.
    static func numpyDescendingRange(from start: Double, step: Double) -> [Double] {
        let count = Int((start / step).rounded(.up))
        return (0..<count).map { start + Double($0) * -step }
    }

    /// `np.interp(x, arange(table.count), table)` in float64, for x inside the table.
    static func numpyInterp(_ x: Double, table: [Double]) -> Double {
        let last = table.count - 1
        if x <= 0 { return table[0] }
        if x >= Double(last) { return table[last] }
        let j = Int(x.rounded(.down))
        if Double(j) == x { return table[j] }
        let slope = (table[j + 1] - table[j]) / (Double(j + 1) - Double(j))
        return slope * (x - Double(j)) + table[j]
    }

    /// `np.round` / `torch.round`: half to even.
    static func round(_ x: Double) -> Double { x.rounded(.toNearestOrEven) }

    /// `x ** 0.5` on a float32 tensor (torch dispatches it to `torch.sqrt`).
    ///
    /// torch 2.13's CPU `sqrt` on this x86 build (MKL) is faithful but not correctly rounded: measured on
    /// 200,000 floats, 15% come out 1 ulp from the correctly rounded root (those whose exact root lies 0.25 to
    /// 0.5 ulp from it). This is the correctly rounded root, so sigma tables and coefficients can differ from
    /// diffusers' in the last bit; the step tests bound the effect.
    static func pow05(_ x: Float) -> Float { x.squareRoot() }

    /// `torch.log` of a float32 0-dim tensor. torch's vectorised log is not glibc's `logf` (they differ in
    /// the last bit for about 8% of inputs); this is glibc's.
    static func log(_ x: Float) -> Float { Foundation.log(x) }

    /// `torch.exp` of a float32 0-dim tensor; torch's and glibc's `expf` differ in the last bit for about 1%.
    static func exp(_ x: Float) -> Float { Foundation.exp(x) }

    /// `np.log` of a float32 array. numpy's SIMD float32 log is not correctly rounded (about 20% of the SD sigma
    /// table differ in the last bit); this is the correctly rounded value.
    static func numpyLog(_ x: Float) -> Float { Float(Foundation.log(Double(x))) }
}
