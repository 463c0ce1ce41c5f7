/// 2-D pooling over the last two axes of `[N, C, H, W]` (or `[C, H, W]`), as `torch.nn.functional`.
/// Kernels, strides and paddings are square, which is all the supported networks use.

/// `torch.nn.functional.max_pool2d(x, kernel, stride, padding, ceil_mode=...)` (dilation 1).
/// Padding acts as -infinity; a NaN in a window wins, as in torch.
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) -> Tensor {
    let g = PoolGeometry(x, kernel: kernel, stride: stride ?? kernel, padding: padding, ceilMode: ceilMode)
    return g.run(x) { src, dst in
        for oy in 0..<g.outHeight {
            let y0 = max(oy * g.stride - g.padding, 0), y1 = min(oy * g.stride - g.padding + g.kernel, g.height)
            for ox in 0..<g.outWidth {
                let x0 = max(ox * g.stride - g.padding, 0), x1 = min(ox * g.stride - g.padding + g.kernel, g.width)
                var best = -Float.infinity
                for y in y0..<y1 {
                    for xx in x0..<x1 {
                        let v = src[y * g.width + xx]
                        if v > best || v.isNaN { best = v }
                    }
                }
                dst[oy * g.outWidth + ox] = best
            }
        }
    }
}

/// `torch.nn.functional.avg_pool2d(x, kernel, stride, padding, ceil_mode=..., count_include_pad=...)`.
///
/// As torch: the divisor counts the window clipped to the padded input when `countIncludePad` (so a
/// ceil-mode window hanging past the padding counts only up to it), or only the real pixels otherwise.
/// Sums are taken in Float64.
public func avgPool2d(
    _ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
    countIncludePad: Bool = true
) -> Tensor {
    let g = PoolGeometry(x, kernel: kernel, stride: stride ?? kernel, padding: padding, ceilMode: ceilMode)
    return g.run(x) { src, dst in
        for oy in 0..<g.outHeight {
            let yStart = oy * g.stride - g.padding
            let yEnd = min(yStart + g.kernel, g.height + g.padding)
            let y0 = max(yStart, 0), y1 = min(yEnd, g.height)
            for ox in 0..<g.outWidth {
                let xStart = ox * g.stride - g.padding
                let xEnd = min(xStart + g.kernel, g.width + g.padding)
                let x0 = max(xStart, 0), x1 = min(xEnd, g.width)
                guard y0 < y1 && x0 < x1 else {
                    dst[oy * g.outWidth + ox] = 0
                    continue
                }
                var sum = 0.0
                for y in y0..<y1 {
                    for xx in x0..<x1 { sum += Double(src[y * g.width + xx]) }
                }
                let divisor = countIncludePad ? (yEnd - yStart) * (xEnd - xStart) : (y1 - y0) * (x1 - x0)
                dst[oy * g.outWidth + ox] = Float(sum / Double(divisor))
            }
        }
    }
}

/// `torch.nn.functional.adaptive_avg_pool2d(x, output_size)`: output cell `i` of an axis averages input
/// `floor(i * in / out) ..< ceil((i + 1) * in / out)` (windows may overlap). UperNet's pyramid pooling
/// uses sizes 1, 2, 3 and 6.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (height: Int, width: Int)) -> Tensor {
    precondition(x.rank == 3 || x.rank == 4, "adaptiveAvgPool2d expects [N, C, H, W] or [C, H, W], got \(x.shape)")
    let height = x.shape[x.rank - 2], width = x.shape[x.rank - 1]
    let outHeight = outputSize.height, outWidth = outputSize.width
    precondition(outHeight > 0 && outWidth > 0 && height > 0 && width > 0, "adaptiveAvgPool2d: empty extent")
    let rows = (0..<outHeight).map { adaptiveWindow($0, input: height, output: outHeight) }
    let cols = (0..<outWidth).map { adaptiveWindow($0, input: width, output: outWidth) }
    return mapPlanes(x, outHeight: outHeight, outWidth: outWidth, grain: max(1, 4_096 / (height * width))) { src, dst in
        for (oy, r) in rows.enumerated() {
            for (ox, c) in cols.enumerated() {
                var sum = 0.0
                for y in r {
                    for xx in c { sum += Double(src[y * width + xx]) }
                }
                dst[oy * outWidth + ox] = Float(sum / Double(r.count * c.count))
            }
        }
    }
}

/// `adaptive_avg_pool2d(x, n)`: a square `n × n` output.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: Int) -> Tensor {
    adaptiveAvgPool2d(x, outputSize: (outputSize, outputSize))
}

/// torch's `start_index` / `end_index` (ATen/native/AdaptivePooling.h).
private func adaptiveWindow(_ i: Int, input: Int, output: Int) -> Range<Int> {
    (i * input / output)..<(((i + 1) * input + output - 1) / output)
}

/// Output size and plane layout shared by the windowed pools.
private struct PoolGeometry {
    let kernel: Int, stride: Int, padding: Int
    let height: Int, width: Int, outHeight: Int, outWidth: Int

    init(_ x: Tensor, kernel: Int, stride: Int, padding: Int, ceilMode: Bool) {
        precondition(x.rank == 3 || x.rank == 4, "pool2d expects [N, C, H, W] or [C, H, W], got \(x.shape)")
        precondition(kernel > 0 && stride > 0, "pool2d: kernel and stride must be positive")
        precondition(padding >= 0 && padding <= kernel / 2, "pool2d: padding \(padding) exceeds half the kernel")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        height = x.shape[x.rank - 2]
        width = x.shape[x.rank - 1]
        outHeight = PoolGeometry.outputExtent(height, kernel, stride, padding, ceilMode)
        outWidth = PoolGeometry.outputExtent(width, kernel, stride, padding, ceilMode)
        precondition(outHeight > 0 && outWidth > 0, "pool2d: output of \(x.shape) would be empty")
    }

    /// torch's `pooling_output_shape` (ATen/native/Pool.h): floor or ceil of the window count, but a
    /// ceil-mode window must start inside the input or the left padding.
    static func outputExtent(_ size: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ ceilMode: Bool) -> Int {
        let span = size + 2 * padding - kernel + (ceilMode ? stride - 1 : 0)
        var extent = floorDivide(span, stride) + 1
        if ceilMode && (extent - 1) * stride >= size + padding { extent -= 1 }
        return extent
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Runs `plane(src, dst)` over every `H × W` plane, in parallel.
    func run(_ x: Tensor, _ plane: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let perPlane = max(1, outHeight * outWidth * kernel * kernel)
        return mapPlanes(x, outHeight: outHeight, outWidth: outWidth, grain: max(1, 16_384 / perPlane), plane)
    }
}
