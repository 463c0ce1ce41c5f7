/// Group and layer normalization, as `torch.nn.functional.group_norm` and `layer_norm`.
///
/// Statistics are taken in two passes (the mean, then the mean squared deviation) with Float64
/// accumulators, so the variance does not suffer the cancellation of `E[x²] - E[x]²` when activations
/// sit far from zero, and long reductions (a 320-channel group of a 64×64 map is 40,960 values) do not
/// lose bits. The variance is the biased one (divided by n), as torch uses. The output
/// `(x - mean) * rstd * weight + bias` is also formed in Float64 and rounded once: in Float, the mean's own
/// rounding (half an ulp of the mean) would show up magnified by `rstd` when the mean dwarfs the spread.

/// `torch.nn.functional.group_norm(x, groups, weight, bias, eps)`.
///
/// `x` is `[N, C, *]` (NCHW, `[N, C]` or `[N, C, L]`); its channels are split into `groups` consecutive
/// groups, each normalized over its channels and spatial positions, then scaled by `weight[c]` and shifted
/// by `bias[c]` (both `[C]`, or nil for 1 and 0).
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, epsilon: Float) -> Tensor {
    precondition(x.rank >= 2, "groupNorm expects [N, C, *], got \(x.shape)")
    let batch = x.shape[0], channels = x.shape[1]
    precondition(groups > 0 && channels % groups == 0, "groupNorm: \(channels) channels in \(groups) groups")
    checkAffine(weight, bias, features: channels, op: "groupNorm")
    let spatial = x.count / max(1, batch * channels)
    let channelsPerGroup = channels / groups
    let groupSize = channelsPerGroup * spatial

    return normalizeUnits(x, count: batch * groups, size: groupSize, weight: weight, bias: bias) { unit, src, dst, gamma, beta in
        let (mean, inverseStd) = meanAndInverseStd(src, count: groupSize, epsilon: epsilon)
        let firstChannel = (unit % groups) * channelsPerGroup
        for k in 0..<channelsPerGroup {
            let c = firstChannel + k
            normalizeRow(
                src + k * spatial, dst + k * spatial, count: spatial, mean: mean,
                scale: inverseStd * Double(gamma?[c] ?? 1), shift: Double(beta?[c] ?? 0))
        }
    }
}

/// `torch.nn.functional.layer_norm(x, (D,), weight, bias, eps)`: normalizes over the last axis (D),
/// then scales by `weight` and shifts by `bias` (both `[D]`, or nil).
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, epsilon: Float) -> Tensor {
    precondition(x.rank >= 1, "layerNorm expects at least one axis")
    let features = x.shape[x.rank - 1]
    checkAffine(weight, bias, features: features, op: "layerNorm")
    let rows = features == 0 ? 0 : x.count / features

    return normalizeUnits(x, count: rows, size: features, weight: weight, bias: bias) { _, src, dst, gamma, beta in
        let (m, s) = meanAndInverseStd(src, count: features, epsilon: epsilon)
        switch (gamma, beta) {
        case let (g?, b?):
            for i in 0..<features { dst[i] = Float((Double(src[i]) - m) * s * Double(g[i]) + Double(b[i])) }
        case let (g?, nil):
            for i in 0..<features { dst[i] = Float((Double(src[i]) - m) * s * Double(g[i])) }
        case let (nil, b?):
            for i in 0..<features { dst[i] = Float((Double(src[i]) - m) * s + Double(b[i])) }
        case (nil, nil):
            normalizeRow(src, dst, count: features, mean: m, scale: s, shift: 0)
        }
    }
}

/// The loop both norms share: `x` is `count` consecutive units of `size` values, each normalized on its
/// own (a group of channels, a row), so units are split across threads. `body(unit, src, dst, gamma, beta)`
/// normalizes one unit into the output, given the weight and bias elements (nil where absent); it is called
/// once per unit, so its inner loops are compiled and vectorized as written.
private func normalizeUnits(
    _ x: Tensor, count: Int, size: Int, weight: Tensor?, bias: Tensor?,
    _ body: (
        _ unit: Int, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
        _ gamma: UnsafePointer<Float>?, _ beta: UnsafePointer<Float>?
    ) -> Void
) -> Tensor {
    Tensor(shape: x.shape) { out in
        let output = UncheckedSendable(out)
        x.withUnsafeBufferPointer { input in
            withAffine(weight, bias) { gamma, beta in
                let source = UncheckedSendable(input)
                let (gamma, beta) = (UncheckedSendable(gamma), UncheckedSendable(beta))
                Parallel.forEach(count, grain: max(1, 16_384 / max(1, size))) { range in
                    for unit in range {
                        body(
                            unit, source.value.baseAddress! + unit * size, output.value.baseAddress! + unit * size,
                            gamma.value, beta.value)
                    }
                }
            }
        }
    }
}

private func checkAffine(_ weight: Tensor?, _ bias: Tensor?, features: Int, op: String) {
    if let weight { precondition(weight.count == features, "\(op): weight \(weight.shape) for \(features) features") }
    if let bias { precondition(bias.count == features, "\(op): bias \(bias.shape) for \(features) features") }
}

/// Calls `body` with pointers to the weight and bias elements (nil where absent).
private func withAffine<R>(
    _ weight: Tensor?, _ bias: Tensor?,
    _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> R
) -> R {
    func withOptional<T>(_ t: Tensor?, _ f: (UnsafePointer<Float>?) -> T) -> T {
        guard let t else { return f(nil) }
        return t.withUnsafeBufferPointer { f($0.baseAddress) }
    }
    return withOptional(weight) { w in withOptional(bias) { b in body(w, b) } }
}

/// `dst[i] = (src[i] - mean) * scale + shift` in Float64, rounded once.
@inline(__always)
private func normalizeRow(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
    mean: Double, scale: Double, shift: Double
) {
    for i in 0..<count { dst[i] = Float((Double(src[i]) - mean) * scale + shift) }
}

/// The mean of `count` values and `1 / sqrt(variance + epsilon)`, both in Float64.
private func meanAndInverseStd(_ p: UnsafePointer<Float>, count: Int, epsilon: Float) -> (Double, Double) {
    guard count > 0 else { return (0, 1 / Double(epsilon).squareRoot()) }
    // Four independent accumulators let the additions overlap instead of waiting on one another.
    var s = SIMD4<Double>()
    var i = 0
    while i + 4 <= count {
        s += SIMD4(Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), Double(p[i + 3]))
        i += 4
    }
    var sum = s.sum()
    while i < count { sum += Double(p[i]); i += 1 }
    let mean = sum / Double(count)

    var q = SIMD4<Double>()
    let m = SIMD4(repeating: mean)
    i = 0
    while i + 4 <= count {
        let d = SIMD4(Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), Double(p[i + 3])) - m
        q += d * d
        i += 4
    }
    var squares = q.sum()
    while i < count {
        let d = Double(p[i]) - mean
        squares += d * d
        i += 1
    }
    let variance = squares / Double(count)
    return (mean, 1 / (variance + Double(epsilon)).squareRoot())
}
