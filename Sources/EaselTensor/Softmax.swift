/// Softmax along one axis, matching `torch.softmax(x, dim=axis)` / `torch.nn.functional.softmax`:
/// `exp(x - max) / sum(exp(x - max))`, the maximum subtracted first so large logits cannot overflow.
///
/// Along the last axis every row is contiguous and goes through `softmaxInPlace` (the same kernel
/// attention runs on its score rows); along another axis the maxima and sums are kept per column, so
/// memory is still read in order.
public func softmax(_ x: Tensor, axis: Int) -> Tensor {
    let axis = x.normalizedAxis(axis)
    let length = x.shape[axis]
    let inner = Tensor.elementCount(Array(x.shape[(axis + 1)...]))
    let outer = Tensor.elementCount(Array(x.shape[..<axis]))
    var result = x
    guard x.count > 0 else { return result }
    result.withUnsafeMutableBufferPointer { buffer in
        let base = UncheckedSendable(buffer.baseAddress!)
        if inner == 1 {
            Parallel.forEach(outer, grain: max(1, 4_096 / length)) { rows in
                for row in rows { softmaxInPlace(base.value + row * length, count: length) }
            }
            return
        }
        // Work items: (outer index, block of up to `blockWidth` columns), each independent.
        let blockWidth = 256
        let blocksPerSlice = (inner + blockWidth - 1) / blockWidth
        Parallel.forEach(outer * blocksPerSlice, grain: max(1, 4_096 / (length * blockWidth))) { items in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * blockWidth) { scratch in
                for item in items {
                    let slice = base.value + (item / blocksPerSlice) * length * inner
                    let start = (item % blocksPerSlice) * blockWidth
                    softmaxColumnsInPlace(
                        slice + start, count: length, stride: inner, width: min(blockWidth, inner - start),
                        scratch: scratch.baseAddress!)
                }
            }
        }
    }
    return result
}

/// Replaces the `count` contiguous floats at `row` with their softmax. Attention calls this on each
/// row of its score block.
func softmaxInPlace(_ row: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    let maximum = softmaxRowMaximum(row, count: count)
    exponentiate(row, count: count, shiftedBy: maximum)
    multiply(row, count: count, by: 1 / softmaxRowSum(row, count: count))
}

/// Softmax down `width` adjacent columns: element `j` of column `c` is at `base[j * stride + c]`.
/// `scratch` holds `2 * width` floats (running maxima and sums).
private func softmaxColumnsInPlace(
    _ base: UnsafeMutablePointer<Float>, count: Int, stride: Int, width: Int,
    scratch: UnsafeMutablePointer<Float>
) {
    let maxima = scratch
    let sums = scratch + width
    maxima.update(from: base, count: width)
    for j in 1..<max(1, count) {
        let row = base + j * stride
        for c in 0..<width { maxima[c] = max(maxima[c], row[c]) }
    }
    sums.update(repeating: 0, count: width)
    for j in 0..<count {
        let row = base + j * stride
        for c in 0..<width { row[c] = exponential(row[c] - maxima[c]) }
        for c in 0..<width { sums[c] += row[c] }
    }
    for c in 0..<width { sums[c] = 1 / sums[c] }
    for j in 0..<count {
        let row = base + j * stride
        for c in 0..<width { row[c] *= sums[c] }
    }
}

/// The largest of `count >= 1` floats (NaN if any is NaN, as torch's max).
private func softmaxRowMaximum(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
    var result = values[0]
    for i in 1..<count {
        let v = values[i]
        result = v > result || v.isNaN ? v : result
    }
    return result
}

/// `values[i] = exp(values[i] - shift)` for `count` floats.
private func exponentiate(_ values: UnsafeMutablePointer<Float>, count: Int, shiftedBy shift: Float) {
    // A plain loop, so LLVM vectorises it; the sum is a separate pass because a float reduction in
    // this loop would stop the vectoriser (it may not reassociate additions).
    for i in 0..<count { values[i] = exponential(values[i] - shift) }
}

/// The sum of `count` floats, in four interleaved vector accumulators.
private func softmaxRowSum(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
    var i = 0
    var a = SIMD4<Float>(), b = a, c = a, d = a
    let raw = UnsafeRawPointer(values)
    while i + 16 <= count {
        a += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self)
        b += raw.loadUnaligned(fromByteOffset: 4 * i + 16, as: SIMD4<Float>.self)
        c += raw.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD4<Float>.self)
        d += raw.loadUnaligned(fromByteOffset: 4 * i + 48, as: SIMD4<Float>.self)
        i += 16
    }
    var total = ((a + b) + (c + d)).sum()
    while i < count {
        total += values[i]
        i += 1
    }
    return total
}

/// `values[i] *= factor` for `count` floats.
private func multiply(_ values: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    for i in 0..<count { values[i] *= factor }
}
