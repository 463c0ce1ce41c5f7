/// The unmasked pixels of the original image, ready to be laid over a generated image: A1111's
/// `overlay_images` (built in `StableDiffusionProcessingImg2Img.init`) and `apply_overlay` (the paste-back
/// after decoding), also diffusers' `VaeImageProcessor.apply_overlay`.
///
/// The overlay is the original pasted through the inverted mask onto a transparent canvas (premultiplied,
/// Pillow's `paste` rounding) and un-premultiplied: opaque where the mask is 0, transparent where it is 255,
/// partly transparent on a blurred edge. Laid over the generated image with Pillow's `alpha_composite`, every
/// pixel whose mask value is 0 comes back exactly as in the original.
public struct InpaintOverlay: Equatable, Sendable {
    /// The RGBA overlay, the original's size.
    public let rgba: Image

    /// The overlay of `original` (used as RGB) for `mask`, its size. Which mask A1111 uses: the blurred mask,
    /// `doubled()` for whole-picture inpainting, as it is for "only masked".
    public init(original: Image, mask: Mask) throws {
        try mask.checkSize(matches: original)
        let rgb = original.droppingAlpha()
        let transparent = [UInt8](repeating: 0, count: rgb.width * rgb.height * 4)
        let layer = PillowCompositing.pasted(
            rgb.converted(to: .rgba).pixels, onto: transparent, mask: mask.inverted().values)
        rgba = Image(unchecked: rgb.width, rgb.height, .rgba, layer).unpremultiplied()
    }

    /// The generated image with the original's unmasked pixels laid over it, RGB (A1111's `apply_overlay`).
    ///
    /// Without `region`, `generated` must have the original's size. With the "only masked" `region`, the
    /// generated image (the processing size) is first scaled into the region with A1111's crop-and-resize
    /// (`images.resize_image(1, image, w, h)`, Pillow Lanczos) and placed at the region's corner on a
    /// transparent canvas of the original's size (`uncrop`).
    public func applied(to generated: Image, region: PixelRegion? = nil) throws -> Image {
        let rgb = generated.droppingAlpha()
        var base: [UInt8]
        if let region {
            guard region.x1 >= 0, region.y1 >= 0, region.x2 <= rgba.width, region.y2 <= rgba.height,
                region.width > 0, region.height > 0
            else {
                throw ImageError.invalidArgument(
                    "paste region \(region) is not inside the \(rgba.width)x\(rgba.height) original")
            }
            let scaled = try rgb.resized(width: region.width, height: region.height, mode: .cropAndResize)
            let canvas = try Image(width: rgba.width, height: rgba.height, layout: .rgba)
            base = try canvas.pasting(scaled.converted(to: .rgba), x: region.x1, y: region.y1).pixels
        } else {
            guard rgb.width == rgba.width, rgb.height == rgba.height else {
                throw ImageError.invalidArgument(
                    "the generated image is \(rgb.width)x\(rgb.height) but the original is "
                        + "\(rgba.width)x\(rgba.height); give the only-masked region to paste it back")
            }
            base = rgb.converted(to: .rgba).pixels
        }
        base = PillowCompositing.alphaComposited(rgba.pixels, over: base)
        return Image(unchecked: rgba.width, rgba.height, .rgba, base).droppingAlpha()
    }
}
