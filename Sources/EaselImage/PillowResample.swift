import Foundation

/// Pillow's resampling filters (`PIL.Image.Resampling`), with Pillow's supports.
public enum PillowFilter: Sendable, CaseIterable {
    /// BOX (support 0.5): each output pixel averages the input pixels it covers.
    case box
    /// BILINEAR (triangle, support 1).
    case bilinear
    /// HAMMING (support 1).
    case hamming
    /// BICUBIC (a = -0.5, support 2), Pillow's default for `resize`.
    case bicubic
    /// LANCZOS (a = 3, support 3): what A1111 and diffusers' `VaeImageProcessor` resize images with.
    case lanczos

    var support: Double {
        switch self {
        case .box: 0.5
        case .bilinear, .hamming: 1
        case .bicubic: 2
        case .lanczos: 3
        }
    }

    /// The filter kernels of Pillow's `Resample.c`, term for term (including Hamming's float constants).
    func weight(_ input: Double) -> Double {
        switch self {
        case .box:
            return input > -0.5 && input <= 0.5 ? 1 : 0
        case .bilinear:
            let x = abs(input)
            return x < 1 ? 1 - x : 0
        case .hamming:
            let x = abs(input)
            if x == 0 { return 1 }
            if x >= 1 { return 0 }
            let angle = x * Double.pi
            return sin(angle) / angle * (Double(Float(0.54)) + Double(Float(0.46)) * cos(angle))
        case .bicubic:
            let a = -0.5
            let x = abs(input)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        case .lanczos:
            guard -3 <= input && input < 3 else { return 0 }
            return Self.sinc(input) * Self.sinc(input / 3)
        }
    }

    private static func sinc(_ input: Double) -> Double {
        if input == 0 { return 1 }
        let x = input * Double.pi
        return sin(x) / x
    }
}

/// A source rectangle for `resizedLikePillow`, in pixels: Pillow's `box=(left, top, right, bottom)`.
public struct PillowBox: Sendable, Equatable {
    public var left: Float
    public var top: Float
    public var right: Float
    public var bottom: Float

    public init(left: Float, top: Float, right: Float, bottom: Float) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }
}

extension Image {
    /// `PIL.Image.resize((width, height), filter, box)` reproduced exactly for 8-bit images: separable
    /// two-pass convolution with antialiasing (the kernel widens by the scale when shrinking),
    /// coefficients rounded to 22-bit fixed point and the passes in Pillow's order, as Pillow 13's
    /// `Resample.c` does it (checked bit-exact against Pillow 13.0).
    /// RGBA is premultiplied by alpha around the resize as Pillow does (`RGBa`). Same-size resizes of
    /// the whole image are copies. `box` defaults to the whole image; like Pillow it may have zero width
    /// or height (A1111's fill stretches one edge row this way).
    public func resizedLikePillow(width newWidth: Int, height newHeight: Int, filter: PillowFilter,
                                  box: PillowBox? = nil) throws -> Image {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError.invalidArgument("cannot resize to \(newWidth)x\(newHeight)")
        }
        let full = PillowBox(left: 0, top: 0, right: Float(width), bottom: Float(height))
        let box = box ?? full
        guard box.left >= 0, box.top >= 0, box.right <= Float(width), box.bottom <= Float(height) else {
            throw ImageError.invalidArgument("resize box exceeds the \(width)x\(height) image")
        }
        guard box.right - box.left >= 0, box.bottom - box.top >= 0 else {
            throw ImageError.invalidArgument("resize box is empty")
        }
        if newWidth == width && newHeight == height && box == full { return self }
        if layout == .rgba {
            return premultiplied().pillowResample(newWidth, newHeight, filter, box).unpremultiplied()
        }
        return pillowResample(newWidth, newHeight, filter, box)
    }

    /// Pillow's `ImagingResampleInner`: which passes run, in which order, over which rows.
    ///
    /// Pillow 13 (PR #9549) runs the vertical pass first when the height shrinks by more than twice as
    /// many pixels as the width (`inH - outH > 0 && inH - outH > 2 * (inW - outW)`), otherwise the
    /// horizontal pass first, over only the rows the vertical pass reads. The order changes the
    /// result by the 8-bit rounding of the intermediate image, so it is reproduced.
    private func pillowResample(_ newWidth: Int, _ newHeight: Int, _ filter: PillowFilter, _ box: PillowBox) -> Image {
        let needHorizontal = newWidth != width || box.left != 0 || box.right != Float(newWidth)
        let needVertical = newHeight != height || box.top != 0 || box.bottom != Float(newHeight)
        var vertical = PillowCoefficients(
            inSize: height, in0: box.top, in1: box.bottom, outSize: newHeight, filter: filter)
        let horizontal = PillowCoefficients(
            inSize: width, in0: box.left, in1: box.right, outSize: newWidth, filter: filter)
        let shrinkY = height - newHeight, shrinkX = width - newWidth
        if needHorizontal && needVertical && shrinkY > 0 && shrinkY > 2 * shrinkX {
            return verticalPass(vertical, outputHeight: newHeight)
                .horizontalPass(horizontal, rows: 0, count: newHeight)
        }
        let firstRow = vertical.bounds[0]
        let lastRow = vertical.bounds[newHeight * 2 - 2] + vertical.bounds[newHeight * 2 - 1]
        var current = self
        if needHorizontal {
            for index in 0..<newHeight { vertical.bounds[index * 2] -= firstRow }
            current = horizontalPass(horizontal, rows: firstRow, count: max(0, lastRow - firstRow))
        }
        if needVertical {
            current = current.verticalPass(vertical, outputHeight: newHeight)
        }
        return current
    }

    private func horizontalPass(_ coefficients: PillowCoefficients, rows offset: Int, count rowCount: Int) -> Image {
        let channels = self.channels, outWidth = coefficients.outSize, ksize = coefficients.ksize
        var output = [UInt8](repeating: 0, count: outWidth * rowCount * channels)
        pixels.withUnsafeBufferPointer { source in
            coefficients.fixed.withUnsafeBufferPointer { kernel in
                for y in 0..<rowCount {
                    let row = (y + offset) * width * channels
                    for x in 0..<outWidth {
                        let start = coefficients.bounds[x * 2], taps = coefficients.bounds[x * 2 + 1]
                        for channel in 0..<channels {
                            var sum = 1 << (PillowCoefficients.precisionBits - 1)
                            var tap = 0
                            while tap < taps {
                                sum += Int(source[row + (start + tap) * channels + channel]) * Int(kernel[x * ksize + tap])
                                tap += 1
                            }
                            output[(y * outWidth + x) * channels + channel] = PillowCoefficients.clip8(sum)
                        }
                    }
                }
            }
        }
        return Image(unchecked: outWidth, rowCount, layout, output)
    }

    private func verticalPass(_ coefficients: PillowCoefficients, outputHeight: Int) -> Image {
        let channels = self.channels, rowLength = width * channels, ksize = coefficients.ksize
        var output = [UInt8](repeating: 0, count: rowLength * outputHeight)
        pixels.withUnsafeBufferPointer { source in
            coefficients.fixed.withUnsafeBufferPointer { kernel in
                for y in 0..<outputHeight {
                    let start = coefficients.bounds[y * 2], taps = coefficients.bounds[y * 2 + 1]
                    for offset in 0..<rowLength {
                        var sum = 1 << (PillowCoefficients.precisionBits - 1)
                        var tap = 0
                        while tap < taps {
                            sum += Int(source[(start + tap) * rowLength + offset]) * Int(kernel[y * ksize + tap])
                            tap += 1
                        }
                        output[y * rowLength + offset] = PillowCoefficients.clip8(sum)
                    }
                }
            }
        }
        return Image(unchecked: width, outputHeight, layout, output)
    }

    /// Pillow's RGBA -> RGBa: each color times alpha / 255, rounded as `MULDIV255`.
    private func premultiplied() -> Image {
        var output = pixels
        for index in stride(from: 0, to: output.count, by: 4) {
            let alpha = Int(output[index + 3])
            for channel in 0..<3 {
                let product = Int(output[index + channel]) * alpha + 128
                output[index + channel] = UInt8(((product >> 8) + product) >> 8)
            }
        }
        return Image(unchecked: width, height, layout, output)
    }

    /// Pillow's RGBa -> RGBA (`rgba2rgbA`): colors times 255 / alpha (integer division, clipped), unchanged where
    /// alpha is 0 or 255.
    func unpremultiplied() -> Image {
        var output = pixels
        for index in stride(from: 0, to: output.count, by: 4) {
            let alpha = Int(output[index + 3])
            guard alpha != 0 && alpha != 255 else { continue }
            for channel in 0..<3 {
                output[index + channel] = UInt8(min(255, 255 * Int(output[index + channel]) / alpha))
            }
        }
        return Image(unchecked: width, height, layout, output)
    }
}

/// One axis of a Pillow resize: for each output index the first input index, the tap count, and the
/// `ksize` fixed-point weights (Pillow's `precompute_coeffs` then `normalize_coeffs_8bpc`).
struct PillowCoefficients {
    /// Pillow's PRECISION_BITS = 32 - 8 - 2.
    static let precisionBits = 22

    let outSize: Int
    let ksize: Int
    /// Two per output: first input index, tap count (may be <= 0: no taps).
    var bounds: [Int]
    let fixed: [Int32]

    init(inSize: Int, in0: Float, in1: Float, outSize: Int, filter: PillowFilter) {
        // Pillow computes (in1 - in0) in float, then everything else in double.
        let scale = Double(in1 - in0) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        var weights = [Double](repeating: 0, count: outSize * ksize)
        var bounds = [Int](repeating: 0, count: outSize * 2)
        for output in 0..<outSize {
            let center = Double(in0) + (Double(output) + 0.5) * scale
            let inverseScale = 1.0 / filterScale
            // C's (int) cast truncates toward zero, as Swift's Int(Double) does.
            let first = max(0, Int(center - support + 0.5))
            let last = min(inSize, Int(center + support + 0.5))
            let taps = last - first
            var total = 0.0
            var tap = 0
            while tap < taps {
                let weight = filter.weight((Double(tap + first) - center + 0.5) * inverseScale)
                weights[output * ksize + tap] = weight
                total += weight
                tap += 1
            }
            if total != 0 {
                tap = 0
                while tap < taps {
                    weights[output * ksize + tap] /= total
                    tap += 1
                }
            }
            bounds[output * 2] = first
            bounds[output * 2 + 1] = taps
        }
        let one = Double(1 << Self.precisionBits)
        self.outSize = outSize
        self.ksize = ksize
        self.bounds = bounds
        self.fixed = weights.map { $0 < 0 ? Int32(-0.5 + $0 * one) : Int32(0.5 + $0 * one) }
    }

    /// Pillow's clip8: the 22-bit fixed-point sum to 0...255.
    static func clip8(_ sum: Int) -> UInt8 {
        UInt8(min(255, max(0, sum >> precisionBits)))
    }
}
