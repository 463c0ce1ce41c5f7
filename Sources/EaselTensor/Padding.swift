/// Padding of the last two axes, as `torch.nn.functional.pad(x, (left, right, top, bottom), mode, value)`.

/// The `mode` (and `value`) of `torch.nn.functional.pad`.
public enum PaddingMode: Sendable, Equatable {
    /// `mode="constant", value=v`: new cells hold `v`.
    case constant(Float)
    /// `mode="reflect"`: mirrored about the edge pixel, which is not repeated (`dcb|abcd|cba`).
    case reflect
    /// `mode="replicate"`: the edge pixel repeated (`aaa|abcd|ddd`).
    case replicate
}

/// `torch.nn.functional.pad(x, (left, right, top, bottom), mode=...)` on the last two axes of a tensor of
/// rank 2 or more. Negative amounts crop, as in torch. Reflect needs each amount below the extent it
/// reflects across.
public func pad(
    _ x: Tensor, left: Int, right: Int, top: Int, bottom: Int, mode: PaddingMode = .constant(0)
) -> Tensor {
    precondition(x.rank >= 2, "pad expects at least two axes, got \(x.shape)")
    let height = x.shape[x.rank - 2], width = x.shape[x.rank - 1]
    let outHeight = height + top + bottom, outWidth = width + left + right
    precondition(outHeight >= 0 && outWidth >= 0, "pad: (\(left), \(right), \(top), \(bottom)) crops \(x.shape) away")
    if mode == .reflect {
        precondition(
            max(top, bottom) < height && max(left, right) < width,
            "pad: reflect amounts (\(left), \(right), \(top), \(bottom)) must be below the extents of \(x.shape)")
    }
    if mode == .reflect || mode == .replicate {
        precondition(height > 0 && width > 0, "pad: \(mode) needs a non-empty input, got \(x.shape)")
    }
    // Source index for each output row and column; -1 marks a constant cell.
    let rows = (0..<outHeight).map { sourceIndex($0 - top, extent: height, mode: mode) }
    let cols = (0..<outWidth).map { sourceIndex($0 - left, extent: width, mode: mode) }
    let fill: Float = if case .constant(let v) = mode { v } else { 0 }
    let planes = Tensor.elementCount(Array(x.shape.dropLast(2)))

    return Tensor(shape: x.shape.dropLast(2) + [outHeight, outWidth]) { out in
        let output = UncheckedSendable(out)
        x.withUnsafeBufferPointer { input in
            let source = UncheckedSendable(input)
            Parallel.forEach(planes, grain: max(1, 16_384 / max(1, outHeight * outWidth))) { range in
                for plane in range {
                    // nil only for an empty input, whose rows and columns are all constant cells.
                    let src = source.value.baseAddress.map { $0 + plane * height * width }
                    let dst = output.value.baseAddress! + plane * outHeight * outWidth
                    for oy in 0..<outHeight {
                        let dstRow = dst + oy * outWidth
                        guard rows[oy] >= 0, let src else {
                            dstRow.update(repeating: fill, count: outWidth)
                            continue
                        }
                        let srcRow = src + rows[oy] * width
                        for ox in 0..<outWidth {
                            let c = cols[ox]
                            dstRow[ox] = c >= 0 ? srcRow[c] : fill
                        }
                    }
                }
            }
        }
    }
}

/// Where output coordinate `i` (relative to the input's origin) reads from, or -1 for the constant.
private func sourceIndex(_ i: Int, extent: Int, mode: PaddingMode) -> Int {
    if i >= 0 && i < extent { return i }
    switch mode {
    case .constant: return -1
    case .replicate: return min(max(i, 0), extent - 1)
    case .reflect: return i < 0 ? -i : 2 * (extent - 1) - i
    }
}
