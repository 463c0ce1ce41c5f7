extension Image {
    /// AUTOMATIC1111's `images.flatten(img, opts.img2img_background_color)`, which img2img applies to every
    /// init image: an image with alpha is alpha-composited (Pillow's rounding) over an opaque background of
    /// `background` (default white, A1111's default `#ffffff`), then made RGB. Others are only made RGB.
    public func a1111Flattened(background: (red: UInt8, green: UInt8, blue: UInt8) = (255, 255, 255)) -> Image {
        switch layout {
        case .rgb: return self
        case .gray: return converted(to: .rgb)
        case .rgba:
            var canvas = [UInt8](repeating: 255, count: width * height * 4)
            for index in 0..<(width * height) {
                canvas[index * 4] = background.red
                canvas[index * 4 + 1] = background.green
                canvas[index * 4 + 2] = background.blue
            }
            let composited = PillowCompositing.alphaComposited(pixels, over: canvas)
            return Image(unchecked: width, height, .rgba, composited).droppingAlpha()
        }
    }
}
