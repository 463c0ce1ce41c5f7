import Foundation

/// Spatial resizing of NCHW tensors, as `torch.nn.functional.interpolate`.
///
/// The coordinate maps follow torch's CPU kernels (ATen/native/UpSample.h) step by step:
/// - nearest (torch's legacy `"nearest"`, not `"nearest-exact"`): `src = min(floor(dst * scale), in - 1)`,
///   with exact shortcuts for equal size and for doubling (`src = dst >> 1`). torch computes this in Float
///   for every dtype, and so does Easel, so the same source pixels are picked;
/// - bilinear, `align_corners=False`: `src = max(scale * (dst + 0.5) - 0.5, 0)`;
///   `align_corners=True`: `src = dst * (in - 1) / (out - 1)`. The blend is continuous in `src`, so Easel
///   computes it in Float64 (as torch does for float64 tensors) and rounds once; torch's float32 kernel
///   rounds the coordinate to Float and lands up to ~1e-6 (relative) from the exact answer.
/// Here `scale` is `in / out` when a size was given, but `1 / scale_factor` when a scale factor was given
/// (torch passes the factor through to the kernel), which differs whenever `in * scale_factor` is not
/// an integer.

/// The `mode` argument of `torch.nn.functional.interpolate`.
public enum InterpolationMode: Sendable {
    /// `mode="nearest"` (the legacy floor rule that diffusers' Upsample2D uses).
    case nearest
    /// `mode="bilinear"`.
    case bilinear
}

/// `torch.nn.functional.interpolate(x, size=(height, width), mode=..., align_corners=...)` on `[N, C, H, W]`.
/// `alignCorners` applies to bilinear only (torch rejects it for nearest).
public func interpolate(
    _ x: Tensor, size: (height: Int, width: Int), mode: InterpolationMode = .nearest, alignCorners: Bool = false
) -> Tensor {
    resize(x, height: size.height, width: size.width, scales: (nil, nil), mode: mode, alignCorners: alignCorners)
}

/// `torch.nn.functional.interpolate(x, scale_factor=s, mode=..., align_corners=...)` on `[N, C, H, W]`:
/// the output is `floor(H * s) × floor(W * s)` and the kernel maps coordinates with `1 / s`.
/// `F.interpolate(x, scale_factor=2.0, mode="nearest")` is diffusers' Upsample2D.
public func interpolate(
    _ x: Tensor, scaleFactor: Double, mode: InterpolationMode = .nearest, alignCorners: Bool = false
) -> Tensor {
    interpolate(x, scaleFactors: (scaleFactor, scaleFactor), mode: mode, alignCorners: alignCorners)
}

/// `torch.nn.functional.interpolate(x, scale_factor=(sh, sw), ...)`: separate factors per axis.
public func interpolate(
    _ x: Tensor, scaleFactors: (height: Double, width: Double), mode: InterpolationMode = .nearest,
    alignCorners: Bool = false
) -> Tensor {
    precondition(x.rank == 4, "interpolate expects [N, C, H, W], got \(x.shape)")
    precondition(scaleFactors.height > 0 && scaleFactors.width > 0, "interpolate: scale factors must be positive")
    // torch: floor(float(in) * scale) in double precision.
    let height = Int((Double(x.shape[2]) * scaleFactors.height).rounded(.down))
    let width = Int((Double(x.shape[3]) * scaleFactors.width).rounded(.down))
    return resize(
        x, height: height, width: width, scales: (scaleFactors.height, scaleFactors.width), mode: mode,
        alignCorners: alignCorners)
}

private func resize(
    _ x: Tensor, height: Int, width: Int, scales: (Double?, Double?), mode: InterpolationMode, alignCorners: Bool
) -> Tensor {
    precondition(x.rank == 4, "interpolate expects [N, C, H, W], got \(x.shape)")
    precondition(height > 0 && width > 0, "interpolate: output size \(height)x\(width) must be positive")
    precondition(!(alignCorners && mode == .nearest), "interpolate: alignCorners only applies to bilinear")
    let inHeight = x.shape[2], inWidth = x.shape[3]
    precondition(inHeight > 0 && inWidth > 0, "interpolate: empty input \(x.shape)")
    let grain = max(1, 16_384 / (height * width))

    switch mode {
    case .nearest:
        let rows = (0..<height).map { nearestSourceIndex($0, input: inHeight, output: height, scale: scales.0) }
        let cols = (0..<width).map { nearestSourceIndex($0, input: inWidth, output: width, scale: scales.1) }
        return mapPlanes(x, outHeight: height, outWidth: width, grain: grain) { src, dst in
            for oy in 0..<height {
                let srcRow = src + rows[oy] * inWidth
                let dstRow = dst + oy * width
                for ox in 0..<width { dstRow[ox] = srcRow[cols[ox]] }
            }
        }

    case .bilinear:
        let rows = (0..<height).map {
            linearTaps($0, input: inHeight, output: height, alignCorners: alignCorners, scale: scales.0)
        }
        let cols = (0..<width).map {
            linearTaps($0, input: inWidth, output: width, alignCorners: alignCorners, scale: scales.1)
        }
        return mapPlanes(x, outHeight: height, outWidth: width, grain: grain) { src, dst in
            for oy in 0..<height {
                let r = rows[oy]
                let top = src + r.index0 * inWidth, bottom = src + r.index1 * inWidth
                let dstRow = dst + oy * width
                for ox in 0..<width {
                    let c = cols[ox]
                    // torch's order: interpolate along width within each row, then blend the rows.
                    let t = Double(top[c.index0]) * c.weight0 + Double(top[c.index1]) * c.weight1
                    let b = Double(bottom[c.index0]) * c.weight0 + Double(bottom[c.index1]) * c.weight1
                    dstRow[ox] = Float(t * r.weight0 + b * r.weight1)
                }
            }
        }
    }
}

/// torch's `compute_scales_value`: `1 / scale_factor` when one was given, else `in / out`.
private func coordinateScale(input: Int, output: Int, scale: Double?) -> Double {
    if let scale, scale > 0 { return 1.0 / scale }
    return Double(input) / Double(output)
}

/// torch's `nearest_idx` (legacy nearest).
private func nearestSourceIndex(_ dst: Int, input: Int, output: Int, scale: Double?) -> Int {
    if output == input { return dst }
    if output == 2 * input { return dst >> 1 }
    let s = Float(coordinateScale(input: input, output: output, scale: scale))
    return min(Int((Float(dst) * s).rounded(.down)), input - 1)
}

/// The two source indices and their weights for one output coordinate of a linear resize.
private struct LinearTaps {
    var index0: Int, index1: Int
    var weight0: Double, weight1: Double
}

/// torch's `compute_source_index_and_lambda` for linear modes, in Float64.
private func linearTaps(_ dst: Int, input: Int, output: Int, alignCorners: Bool, scale: Double?) -> LinearTaps {
    if output == input { return LinearTaps(index0: dst, index1: dst, weight0: 1, weight1: 0) }
    let real: Double
    if alignCorners {
        let s: Double = output > 1 ? Double(input - 1) / Double(output - 1) : 0
        real = s * Double(dst)
    } else {
        let s = coordinateScale(input: input, output: output, scale: scale)
        real = max(s * (Double(dst) + 0.5) - 0.5, 0)
    }
    let index0 = min(Int(real.rounded(.down)), input - 1)
    let lambda1 = min(max(real - Double(index0), 0), 1)
    let index1 = index0 + (index0 < input - 1 ? 1 : 0)
    return LinearTaps(index0: index0, index1: index1, weight0: 1 - lambda1, weight1: lambda1)
}
