extension Image {
    /// The image in another pixel layout.
    ///
    /// - gray -> RGB/RGBA: the value copied to each color channel (alpha 255).
    /// - RGB -> RGBA: alpha 255.
    /// - RGBA -> RGB: composited over white, controlnet_aux `HWC3`'s rule, computed as it does in float32:
    ///   `uint8(clip(c * (a / 255) + 255 * (1 - a / 255), 0, 255))` (truncated, not rounded).
    /// - RGB -> gray: Pillow's `convert("L")`, ITU-R 601-2 luma in fixed point:
    ///   `(R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16`.
    /// - RGBA -> gray: composited over white first, then luma. (Pillow's `convert("L")` would ignore
    ///   alpha; use `droppingAlpha()` first for that.)
    public func converted(to target: PixelLayout) -> Image {
        if target == layout { return self }
        let count = width * height
        var output = [UInt8](repeating: 0, count: count * target.channels)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                switch (layout, target) {
                case (.gray, _):
                    for index in 0..<count {
                        let value = source[index]
                        for channel in 0..<3 { destination[index * target.channels + channel] = value }
                        if target == .rgba { destination[index * 4 + 3] = 255 }
                    }
                case (.rgb, .rgba):
                    for index in 0..<count {
                        for channel in 0..<3 { destination[index * 4 + channel] = source[index * 3 + channel] }
                        destination[index * 4 + 3] = 255
                    }
                case (.rgb, .gray):
                    for index in 0..<count {
                        destination[index] = Self.luma(source[index * 3], source[index * 3 + 1], source[index * 3 + 2])
                    }
                case (.rgba, _):
                    for index in 0..<count {
                        let alpha = Float(source[index * 4 + 3]) / 255
                        let background = 255 * (1 - alpha)
                        var rgb: (UInt8, UInt8, UInt8) = (0, 0, 0)
                        func over(_ value: UInt8) -> UInt8 {
                            let composite = Float(value) * alpha + background
                            return UInt8(min(max(composite, 0), 255))  // clip, then truncate like astype(uint8)
                        }
                        rgb = (over(source[index * 4]), over(source[index * 4 + 1]), over(source[index * 4 + 2]))
                        if target == .rgb {
                            destination[index * 3] = rgb.0
                            destination[index * 3 + 1] = rgb.1
                            destination[index * 3 + 2] = rgb.2
                        } else {
                            destination[index] = Self.luma(rgb.0, rgb.1, rgb.2)
                        }
                    }
                default:
                    break  // same layout, handled above
                }
            }
        }
        return Image(unchecked: width, height, target, output)
    }

    /// RGBA -> RGB by discarding alpha, as Pillow's `convert("RGB")` (and so diffusers' `load_image`)
    /// does. Other layouts are returned as `converted(to: .rgb)`.
    public func droppingAlpha() -> Image {
        guard layout == .rgba else { return converted(to: .rgb) }
        var output = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            output[index * 3] = pixels[index * 4]
            output[index * 3 + 1] = pixels[index * 4 + 1]
            output[index * 3 + 2] = pixels[index * 4 + 2]
        }
        return Image(unchecked: width, height, .rgb, output)
    }

    /// Pillow's L24 luma: `(R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16`.
    static func luma(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
        let weighted: Int = Int(red) * 19595 + Int(green) * 38470 + Int(blue) * 7471
        return UInt8((weighted + 0x8000) >> 16)
    }
}
