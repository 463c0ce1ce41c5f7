/// Reordering axes with a copy: `torch.permute` / `torch.transpose` followed by `.contiguous()`.
///
/// The copy first merges output axes that stay adjacent and in order in the input (so `[0, 2, 3, 1]` on
/// NCHW becomes a batch of `[C, HW] -> [HW, C]` transposes and `[0, 2, 1, 3]` a batch of row-block swaps).
/// Then one of two loops runs: when the last output axis is also contiguous in the input, whole rows are
/// copied; otherwise the input-contiguous axis and the last output axis form a 2-D transpose, done in
/// square tiles so both sides are read and written a cache line at a time.

/// `x.permute(order).contiguous()`: output axis `i` is input axis `order[i]` (negative axes allowed).
public func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
    precondition(order.count == x.rank, "permute: order \(order) for rank \(x.rank)")
    let axes = order.map { x.normalizedAxis($0) }
    precondition(Set(axes).count == axes.count, "permute: order \(order) repeats an axis")
    let outShape = axes.map { x.shape[$0] }
    if x.count <= 1 { return x.reshaped(outShape) }

    var inputStrides = [Int](repeating: 1, count: x.rank)
    for i in stride(from: x.rank - 2, through: 0, by: -1) { inputStrides[i] = inputStrides[i + 1] * x.shape[i + 1] }
    let plan = PermutePlan(extents: outShape, inputStrides: axes.map { inputStrides[$0] })
    if plan.isIdentity { return x.reshaped(outShape) }

    return Tensor(shape: outShape) { out in
        let output = UncheckedSendable(out)
        x.withUnsafeBufferPointer { input in
            let source = UncheckedSendable(input)
            if let t = plan.transposedAxis {
                plan.runTiledTranspose(source.value.baseAddress!, output.value.baseAddress!, transposed: t)
            } else {
                plan.runRowCopies(source.value.baseAddress!, output.value.baseAddress!)
            }
        }
    }
}

/// `torch.transpose(x, a, b).contiguous()`: axes `a` and `b` swapped.
public func transpose(_ x: Tensor, _ a: Int, _ b: Int) -> Tensor {
    var order = Array(0..<x.rank)
    order.swapAt(x.normalizedAxis(a), x.normalizedAxis(b))
    return permute(x, order)
}

/// The permutation with size-1 axes dropped and mergeable axes merged.
private struct PermutePlan {
    /// Extents of the merged output axes, outermost first, and the input stride of each.
    var extents: [Int] = []
    var inputStrides: [Int] = []
    /// Row-major strides of the merged output.
    var outputStrides: [Int] = []

    init(extents allExtents: [Int], inputStrides allStrides: [Int]) {
        for (n, s) in zip(allExtents, allStrides) where n != 1 {
            // Output axis k+1 continues axis k in the input when stride(k) == stride(k+1) * extent(k+1).
            if let lastStride = inputStrides.last, lastStride == s * n {
                extents[extents.count - 1] *= n
                inputStrides[inputStrides.count - 1] = s
            } else {
                extents.append(n)
                inputStrides.append(s)
            }
        }
        outputStrides = [Int](repeating: 1, count: extents.count)
        for i in stride(from: extents.count - 2, through: 0, by: -1) {
            outputStrides[i] = outputStrides[i + 1] * extents[i + 1]
        }
    }

    /// Every element stays in place: a single merged axis of input stride 1.
    var isIdentity: Bool { extents.count <= 1 }

    /// The merged output axis that is contiguous in the input, when it is not the last one.
    var transposedAxis: Int? {
        guard let last = inputStrides.last, last != 1 else { return nil }
        return inputStrides.firstIndex(of: 1)
    }

    /// Input and output offsets of the `flat`-th index (row-major) over `axes`, the other axes at 0.
    private func offsets(of flat: Int, over axes: [Int]) -> (input: Int, output: Int) {
        var rest = flat, inOffset = 0, outOffset = 0
        for axis in axes.reversed() {
            let i = rest % extents[axis]
            rest /= extents[axis]
            inOffset += i * inputStrides[axis]
            outOffset += i * outputStrides[axis]
        }
        return (inOffset, outOffset)
    }

    /// Last output axis contiguous in the input too: copy whole rows.
    func runRowCopies(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        let rowLength = extents[extents.count - 1]
        let outerAxes = Array(0..<(extents.count - 1))
        let rows = outerAxes.reduce(1) { $0 * extents[$1] }
        let (source, destination) = (UncheckedSendable(src), UncheckedSendable(dst))
        Parallel.forEach(rows, grain: max(1, 16_384 / rowLength)) { range in
            for row in range {
                let (i, o) = offsets(of: row, over: outerAxes)
                (destination.value + o).update(from: source.value + i, count: rowLength)
            }
        }
    }

    /// Axis `t` is contiguous in the input and the last axis is contiguous in the output: a 2-D
    /// transpose for every index of the remaining axes, done in `tile × tile` blocks.
    func runTiledTranspose(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, transposed t: Int) {
        let tile = 32
        let last = extents.count - 1
        let rowsA = extents[t], colsB = extents[last]
        let strideB = inputStrides[last], strideA = outputStrides[t]
        let outerAxes = (0..<last).filter { $0 != t }
        let outer = outerAxes.reduce(1) { $0 * extents[$1] }
        let tilesA = (rowsA + tile - 1) / tile
        let (source, destination) = (UncheckedSendable(src), UncheckedSendable(dst))
        Parallel.forEach(outer * tilesA, grain: max(1, 16_384 / (tile * colsB))) { range in
            for unit in range {
                let (i, o) = offsets(of: unit / tilesA, over: outerAxes)
                let a0 = (unit % tilesA) * tile, a1 = min(a0 + tile, rowsA)
                var b0 = 0
                while b0 < colsB {
                    let b1 = min(b0 + tile, colsB)
                    for a in a0..<a1 {
                        // input: a is contiguous; output: b is contiguous.
                        let s = source.value + i + a
                        let d = destination.value + o + a * strideA
                        for b in b0..<b1 { d[b] = s[b * strideB] }
                    }
                    b0 = b1
                }
            }
        }
    }
}
