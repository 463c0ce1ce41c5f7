import EaselTensor

/// The error measure every parity test states its tolerance in:
/// `max |actual - expected| / max |expected|`, the largest deviation relative to the reference's scale.
///
/// An elementwise relative error is meaningless next to outputs that cross zero, and an absolute error
/// means nothing without the scale; this is the measure PyTorch-parity work commonly reports.
/// Returns `.infinity` when the shapes differ or either side holds a NaN.
public func maxRelativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    guard actual.count == expected.count else { return .infinity }
    var maxDiff: Float = 0
    var maxRef: Float = 0
    for (a, e) in zip(actual, expected) {
        if a.isNaN || e.isNaN { return .infinity }
        maxDiff = max(maxDiff, abs(a - e))
        maxRef = max(maxRef, abs(e))
    }
    if maxRef == 0 { return maxDiff == 0 ? 0 : .infinity }
    return maxDiff / maxRef
}

/// `maxRelativeError` for tensors; shapes must match exactly.
public func maxRelativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    guard actual.shape == expected.shape else { return .infinity }
    return maxRelativeError(actual.scalars, expected.scalars)
}
