/// Softmax along one axis, matching `torch.softmax(x, dim: axis)` / `torch.nn.functional.softmax`:
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
    let maximum = maxElement(row, count: count)
    let total = exponentiateShifted(row, count: count, by: maximum)
    scale(row, count: count, by: 1 / total)
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
        for c in 0..<width { row[c] -= maxima[c] }
        exponentiateShifted(row, count: width, by: 0)
        for c in 0..<width { sums[c] += row[c] }
    }
    for c in 0..<width { sums[c] = 1 / sums[c] }
    for j in 0..<count {
        let row = base + j * stride
        for c in 0..<width { row[c] *= sums[c] }
    }
}

/// The largest of `count >= 1` floats.
private func maxElement(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
    var i = 0
    var result = -Float.infinity
    if count >= 16 {
        var lanes = SIMD16<Float>(repeating: -.infinity)
        while i + 16 <= count {
            lanes = pointwiseMax(lanes, UnsafeRawPointer(values + i).loadUnaligned(as: SIMD16<Float>.self))
            i += 16
        }
        result = lanes.max()
    }
    while i < count {
        result = max(result, values[i])
        i += 1
    }
    return result
}

/// `values[i] = exp(values[i] - shift)` for `count` floats; returns their sum.
@discardableResult
private func exponentiateShifted(_ values: UnsafeMutablePointer<Float>, count: Int, by shift: Float) -> Float {
    var i = 0
    var sums = SIMD16<Float>.zero
    while i + 16 <= count {
        let pointer = UnsafeMutableRawPointer(values + i)
        let e = exponential(pointer.loadUnaligned(as: SIMD16<Float>.self) - shift)
        pointer.storeBytes(of: e, as: SIMD16<Float>.self)
        sums += e
        i += 16
    }
    if i < count {
        // The tail goes through the same kernel, so every element gets the same rounding.
        var lanes = SIMD16<Float>(repeating: -.infinity)
        for j in 0..<(count - i) { lanes[j] = values[i + j] - shift }
        let e = exponential(lanes)
        for j in 0..<(count - i) { values[i + j] = e[j] }
        sums += e
    }
    return sums.sum()
}

/// `values[i] *= factor` for `count` floats.
private func scale(_ values: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    var i = 0
    while i + 16 <= count {
        let pointer = UnsafeMutableRawPointer(values + i)
        pointer.storeBytes(of: pointer.loadUnaligned(as: SIMD16<Float>.self) * factor, as: SIMD16<Float>.self)
        i += 16
    }
    while i < count {
        values[i] *= factor
        i += 1
    }
}
