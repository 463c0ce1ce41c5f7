import EaselTensor

/// The resampling a ViT uses to fit its learned position-embedding grid to another patch grid.
enum PositionEmbeddingResize {
    /// `F.interpolate(mode="bilinear", align_corners=False)` (DPT's `_resize_pos_embed`, MiDaS).
    case bilinear
    /// `F.interpolate(mode="bicubic", align_corners=False)` in float32 (Dinov2's `interpolate_pos_encoding`).
    case bicubic
}

/// `position` `[1, 1 + n*n, C]` (class token first, then a square grid) with the grid resized to
/// `height x width`: `[1, 1 + height*width, C]`.
func resizedPositionEmbeddings(_ position: Tensor, height: Int, width: Int, mode: PositionEmbeddingResize) -> Tensor {
    let (count, channels) = (position.shape[1], position.shape[2])
    let side = Int(Double(count - 1).squareRoot())
    let grid = tokensToImage(position, height: side, width: side)
    let resized: Tensor = switch mode {
    case .bilinear: interpolate(grid, size: (height, width), mode: .bilinear, alignCorners: false)
    case .bicubic: bicubicResize(grid, height: height, width: width)
    }
    let classToken = split(position, sizes: [1, count - 1], axis: 1)[0]
    return concat([classToken, imageToTokens(resized).reshaped([1, height * width, channels])], axis: 1)
}

/// `torch.nn.functional.interpolate(x, size=(height, width), mode="bicubic", align_corners=False)` on
/// `[N, C, H, W]`, as torch's float32 CPU kernel computes it: `src = scale * (dst + 0.5) - 0.5` with
/// `scale = in / out` in Float (not clamped at 0 for cubic), Keys' kernel with `A = -0.75`, taps clamped to
/// the border, rows of four taps combined column-first.
func bicubicResize(_ x: Tensor, height: Int, width: Int) -> Tensor {
    let (batch, channels, inHeight, inWidth) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    func taps(_ outSize: Int, _ inSize: Int) -> [(index: [Int], weight: [Float])] {
        let scale = Float(inSize) / Float(outSize)
        return (0..<outSize).map { dst in
            let real = scale * (Float(dst) + 0.5) - 0.5
            let floorValue = real.rounded(.down)
            let t = real - floorValue
            let base = Int(floorValue)
            let a: Float = -0.75
            func near(_ v: Float) -> Float { ((a + 2) * v - (a + 3)) * v * v + 1 }
            func far(_ v: Float) -> Float { ((a * v - 5 * a) * v + 8 * a) * v - 4 * a }
            let weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
            let indices = (-1...2).map { min(max(base + $0, 0), inSize - 1) }
            return (indices, weights)
        }
    }
    let rows = taps(height, inHeight), cols = taps(width, inWidth)
    return Tensor(shape: [batch, channels, height, width]) { out in
        x.withUnsafeBufferPointer { input in
            for plane in 0..<(batch * channels) {
                let source = plane * inHeight * inWidth
                for (oy, row) in rows.enumerated() {
                    for (ox, col) in cols.enumerated() {
                        var value: Float = 0
                        for j in 0..<4 {
                            let line = source + row.index[j] * inWidth
                            var inner = input[line + col.index[0]] * col.weight[0]
                            for i in 1..<4 { inner += input[line + col.index[i]] * col.weight[i] }
                            value = j == 0 ? inner * row.weight[0] : value + inner * row.weight[j]
                        }
                        out[(plane * height + oy) * width + ox] = value
                    }
                }
            }
        }
    }
}
