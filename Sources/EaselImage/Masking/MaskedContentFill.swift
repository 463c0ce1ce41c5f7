extension Image {
    /// A1111's masked content "fill" (`masking.fill(image, mask)`): the masked area painted with the colours
    /// around it, by blurring the unmasked pixels ever less and stacking the blurs.
    ///
    /// Step by step, in Pillow's 8-bit arithmetic: the image (as RGBA, premultiplied "RGBa") is pasted onto a
    /// transparent canvas through the inverted mask, so unmasked pixels are opaque and masked ones transparent;
    /// that layer is Gaussian-blurred (Pillow's box approximation) with radii 256, 64, 16, 4, 2, 0, and each
    /// blur, un-premultiplied, is alpha-composited 1, 1, 2, 4, 2, 1 times over a transparent RGBA canvas; the
    /// result's RGB is returned. The last layer (radius 0) is the unblurred paste, so fully unmasked pixels keep
    /// their colour. A1111 passes the blurred mask at the processing size (`latent_mask`).
    ///
    /// The image is used as RGB (gray is expanded, an alpha channel is dropped); the mask must have its size.
    public func filledMaskedArea(mask: Mask) throws -> Image {
        try mask.checkSize(matches: self)
        let rgb = droppingAlpha()
        let opaque = rgb.converted(to: .rgba).pixels  // RGBA, then RGBa: alpha 255, colours unchanged
        let keep = mask.inverted().values
        let transparent = [UInt8](repeating: 0, count: width * height * 4)
        let layer = PillowCompositing.pasted(opaque, onto: transparent, mask: keep)  // "RGBa"
        var canvas = transparent
        for (radius, repeats) in [(256, 1), (64, 1), (16, 2), (4, 4), (2, 2), (0, 1)] {
            let blurred = Image(
                unchecked: width, height, .rgba,
                PillowGaussianBlur.blurred(layer, width: width, height: height, channels: 4, radius: Float(radius))
            ).unpremultiplied().pixels
            for _ in 0..<repeats {
                canvas = PillowCompositing.alphaComposited(blurred, over: canvas)
            }
        }
        return Image(unchecked: width, height, .rgba, canvas).droppingAlpha()
    }
}
