import EaselImage
import EaselTensor

/// The step from a depth network's output to ControlNet's depth (and normal) condition maps, as
/// controlnet_aux 0.0.10 `MidasDetector.__call__` (and the ControlNet v1.1 `annotator/midas`, A1111's
/// `depth_midas`) computes it, in float32 and in the same order so the bytes agree.
public enum DepthMap {
    /// The MiDaS input: RGB bytes as `x / 127.5 - 1`, `[1, 3, H, W]`.
    public static func midasPixels(_ image: Image) -> Tensor {
        let rgb = image.hwc3()
        let count = rgb.width * rgb.height
        return Tensor(shape: [1, 3, rgb.height, rgb.width]) { out in
            rgb.withUnsafePixels { pixels in
                for index in 0..<count {
                    for channel in 0..<3 { out[channel * count + index] = Float(pixels[index * 3 + channel]) / 127.5 - 1 }
                }
            }
        }
    }

    /// `depth - min(depth)`, then divided by its maximum (controlnet_aux's `depth_pt`, in 0...1; all zeros
    /// when the map is flat, where torch would divide by zero). `depth` is `[H, W]` or `[1, H, W]`.
    public static func normalized(_ depth: Tensor) -> [Float] {
        let lowest = depth.scalars.min() ?? 0
        var shifted = depth.scalars.map { $0 - lowest }
        let highest = shifted.max() ?? 0
        if highest > 0 { for i in shifted.indices { shifted[i] /= highest } }
        return shifted
    }

    /// The depth map: `(depth_pt * 255).clip(0, 255).astype(uint8)` as a gray image (near is bright).
    public static func depthImage(_ depth: Tensor) throws -> Image {
        let (height, width) = (depth.shape[depth.rank - 2], depth.shape[depth.rank - 1])
        let pixels = normalized(depth).map { UInt8(min(max($0 * 255, 0), 255)) }
        return try Image(width: width, height: height, layout: .gray, pixels: pixels)
    }

    /// controlnet_aux's normal map (`depth_and_normal=True`): Sobel x and y (3x3, float32, reflect-101 border)
    /// of the raw depth, zeroed where the normalised depth is below `backgroundThreshold` (`bg_th`), with
    /// `z = a`; the unit vector mapped to bytes with `* 127.5 + 127.5` and stored as (z, y, x) — the BGR-to-RGB
    /// flip controlnet_aux applies.
    public static func normalImage(_ depth: Tensor, a: Float = 2 * Float.pi, backgroundThreshold: Float = 0.1) throws -> Image {
        let (height, width) = (depth.shape[depth.rank - 2], depth.shape[depth.rank - 1])
        let d = depth.scalars
        let near = normalized(depth)
        func reflect(_ i: Int, _ n: Int) -> Int {
            guard n > 1 else { return 0 }
            return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i)
        }
        // OpenCV's separable Sobel: the row filter first, then the column filter, each in float32.
        var rowDifference = [Float](repeating: 0, count: d.count)  // [-1, 0, 1] along x
        var rowSmooth = [Float](repeating: 0, count: d.count)  // [1, 2, 1] along x
        for y in 0..<height {
            for x in 0..<width {
                let left = d[y * width + reflect(x - 1, width)], right = d[y * width + reflect(x + 1, width)]
                rowDifference[y * width + x] = right - left
                rowSmooth[y * width + x] = d[y * width + x] * 2 + (left + right)
            }
        }
        var pixels = [UInt8](repeating: 0, count: d.count * 3)
        for y in 0..<height {
            let up = reflect(y - 1, height) * width, down = reflect(y + 1, height) * width, row = y * width
            for x in 0..<width {
                var gx = rowDifference[row + x] * 2 + (rowDifference[up + x] + rowDifference[down + x])
                var gy = rowSmooth[down + x] - rowSmooth[up + x]
                if near[row + x] < backgroundThreshold { gx = 0; gy = 0 }
                let length = ((gx * gx + gy * gy) + a * a).squareRoot()
                let out = (row + x) * 3
                pixels[out] = UInt8(min(max((a / length) * 127.5 + 127.5, 0), 255))
                pixels[out + 1] = UInt8(min(max((gy / length) * 127.5 + 127.5, 0), 255))
                pixels[out + 2] = UInt8(min(max((gx / length) * 127.5 + 127.5, 0), 255))
            }
        }
        return try Image(width: width, height: height, layout: .rgb, pixels: pixels)
    }
}
