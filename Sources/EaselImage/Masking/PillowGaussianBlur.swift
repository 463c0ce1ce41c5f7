/// Pillow's `ImageFilter.GaussianBlur(radius)` (libImaging `BoxBlur.c`, `ImagingGaussianBlur` with 3 passes):
/// three box blurs per direction whose fractional radius matches the Gaussian's variance (Gwosdek et al.),
/// in 24-bit fixed point, edges extended. A1111's masked-content fill blurs with it (and diffusers'
/// `VaeImageProcessor.blur`). Works on any interleaved 8-bit channels; Pillow blurs every band alike,
/// alpha included.
enum PillowGaussianBlur {
    /// Pillow's `_gaussian_blur_radius` in C `float`, with the `double` `sqrt` and `floor` of the original.
    static func boxRadius(sigma radius: Float, passes: Int32 = 3) -> Float {
        let sigma2: Float = radius * radius / Float(passes)
        let boxLength = Float((12.0 * Double(sigma2) + 1.0).squareRoot())
        let integer = Float(((Double(boxLength) - 1.0) / 2.0).rounded(.down))
        var fraction: Float = (2 * integer + 1) * (integer * (integer + 1) - 3 * sigma2)
        fraction /= 6 * (sigma2 - (integer + 1) * (integer + 1))
        return integer + fraction
    }

    /// The blurred bytes of a `width` x `height` image of `channels` interleaved channels.
    static func blurred(_ pixels: [UInt8], width: Int, height: Int, channels: Int, radius: Float) -> [UInt8] {
        let box = boxRadius(sigma: radius)
        guard box != 0 else { return pixels }  // ImagingBoxBlur copies when both radii are 0
        var output = pixels
        let longest = max(width, height)
        var line = [UInt32](repeating: 0, count: longest)
        var lineOut = [UInt32](repeating: 0, count: longest)
        output.withUnsafeMutableBufferPointer { image in
            line.withUnsafeMutableBufferPointer { line in
                lineOut.withUnsafeMutableBufferPointer { lineOut in
                    // Three horizontal passes, then three vertical ones (Pillow transposes and blurs rows).
                    for _ in 0..<3 {
                        for y in 0..<height {
                            for channel in 0..<channels {
                                boxBlurLine(image, start: y * width * channels + channel, step: channels,
                                            count: width, radius: box, line: line, lineOut: lineOut)
                            }
                        }
                    }
                    for _ in 0..<3 {
                        for x in 0..<width {
                            for channel in 0..<channels {
                                boxBlurLine(image, start: x * channels + channel, step: width * channels,
                                            count: height, radius: box, line: line, lineOut: lineOut)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// `ImagingLineBoxBlur8/32` on one channel of one line of `count` samples, `step` bytes apart, in place
    /// (`line` and `lineOut` are scratch space of at least `count`).
    private static func boxBlurLine(_ pixels: UnsafeMutableBufferPointer<UInt8>, start: Int, step: Int, count: Int,
                                    radius floatRadius: Float, line: UnsafeMutableBufferPointer<UInt32>,
                                    lineOut: UnsafeMutableBufferPointer<UInt32>) {
        let radius = Int(floatRadius)
        // (UINT32)(1 << 24) / (floatRadius * 2 + 1): a float division, truncated to UINT32.
        let ww = UInt32(Float(UInt32(1 << 24)) / (floatRadius * 2 + 1))
        let fw = (UInt32(1 << 24) &- UInt32(radius * 2 + 1) &* ww) / 2
        let lastX = count - 1
        let edgeA = min(radius + 1, count)
        let edgeB = max(count - radius - 1, 0)
        for x in 0..<count { line[x] = UInt32(pixels[start + x * step]) }
        // The running sum over the window; UINT32 wrap-around as in C (differences may be negative).
        var acc = line[0] &* UInt32(radius + 1)
        if edgeA > 1 { for x in 0..<(edgeA - 1) { acc &+= line[x] } }
        acc &+= line[lastX] &* UInt32(radius - edgeA + 1)
        // One output: MOVE_ACC(subtract, add), then ADD_FAR(left, right) and SAVE.
        var x = 0
        func advance(_ subtract: Int, _ add: Int, _ left: Int, _ right: Int) {
            acc = acc &+ line[add] &- line[subtract]
            let bulk = acc &* ww &+ (line[left] &+ line[right]) &* fw
            lineOut[x] = (bulk &+ (1 << 23)) >> 24
            x += 1
        }
        if edgeA <= edgeB {
            while x < edgeA { advance(0, x + radius, 0, x + radius + 1) }
            while x < edgeB { advance(x - radius - 1, x + radius, x - radius - 1, x + radius + 1) }
            while x <= lastX { advance(x - radius - 1, lastX, x - radius - 1, lastX) }
        } else {
            while x < edgeB { advance(0, x + radius, 0, x + radius + 1) }
            while x < edgeA { advance(0, lastX, 0, lastX) }
            while x <= lastX { advance(x - radius - 1, lastX, x - radius - 1, lastX) }
        }
        for x in 0..<count { pixels[start + x * step] = UInt8(truncatingIfNeeded: lineOut[x]) }
    }
}

extension Image {
    /// Pillow's `image.filter(ImageFilter.GaussianBlur(radius))`, every channel alike (alpha included, not
    /// premultiplied, as Pillow does for RGBA). Radius 0 returns the image.
    public func pillowGaussianBlurred(radius: Float) throws -> Image {
        guard radius >= 0, radius.isFinite else {
            throw ImageError.invalidArgument("a Gaussian blur radius must be >= 0, got \(radius)")
        }
        return Image(unchecked: width, height, layout, PillowGaussianBlur.blurred(
            pixels, width: width, height: height, channels: channels, radius: radius))
    }
}

extension Mask {
    /// diffusers' `VaeImageProcessor.blur(mask, blur_factor)`: Pillow's `GaussianBlur(blur_factor)`, the soft
    /// mask edge its inpainting docs recommend.
    public func pillowGaussianBlurred(radius: Float) throws -> Mask {
        try Mask(gray: image.pillowGaussianBlurred(radius: radius))
    }
}
