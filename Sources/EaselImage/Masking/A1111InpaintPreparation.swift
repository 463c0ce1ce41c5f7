/// Which part of the picture A1111 inpaints ("Inpaint area").
public enum InpaintArea: Sendable, Equatable {
    /// "Whole picture": image and mask are resized to the processing size.
    case wholePicture
    /// "Only masked": the masked region, grown by `padding` pixels and to the processing aspect ratio, is
    /// cut out, generated at the processing size and pasted back (`inpaint_full_res`).
    case onlyMasked(padding: Int)
}

/// A1111's img2img inpaint settings that act on the image and the mask.
public struct A1111InpaintOptions: Sendable, Equatable {
    /// "Mask blur" (`mask_blur_x`, `mask_blur_y`); A1111's default is 4.
    public var maskBlurX = 4
    public var maskBlurY = 4
    /// "Mask mode: Inpaint not masked".
    public var invertMask = false
    /// "Masked content"; A1111's default is original.
    public var maskedContent: MaskedContent = .original
    /// "Inpaint area"; A1111's default is whole picture.
    public var area: InpaintArea = .wholePicture
    /// "Resize mode" for whole-picture inpainting (only masked always uses resize and fill).
    public var resizeMode: ResizeMode = .justResize
    /// `mask_round` (A1111's default true): the latent mask is rounded to 0 or 1.
    public var roundMask = true

    public init() {}
}

/// Everything AUTOMATIC1111's `StableDiffusionProcessingImg2Img.init` does to an inpainting image and mask
/// before the VAE, and the paste-back after decoding, in its order:
///
/// 1. invert (option), then the mask blur (`Mask.blurred(x:y:)`);
/// 2. whole picture: mask and image (flattened, `Image.a1111Flattened`) resized to the processing size by
///    `resizeMode`; the overlay uses the doubled mask (`Mask.doubled`) on the resized image.
///    Only masked: the crop region of the blurred mask (`Mask.inpaintCropRegion`); the overlay uses the
///    blurred mask on the full image; mask and image are cropped and resized with resize-and-fill;
/// 3. masked content other than "original" (fill, and also latent noise / latent nothing):
///    `Image.filledMaskedArea` with the processed mask;
/// 4. the latent mask (`Mask.a1111LatentMask`) of the processed mask, which also drives "latent noise" and
///    "latent nothing" (see `MaskedContent`) and A1111's blend after sampling.
///
/// Not covered: A1111's `latent_mask` override used by its outpainting scripts, upscalers for resizing, the
/// inpainting-model image conditioning (the pipeline builds it from `image` and `mask`).
public struct A1111InpaintPreparation: Sendable {
    /// The processing (generation) size.
    public let width: Int
    public let height: Int
    /// RGB at the processing size: what the VAE encodes (already filled unless masked content is "original").
    public let image: Image
    /// The processed mask at the processing size (A1111's `image_mask`, also its `latent_mask`).
    public let mask: Mask
    /// The original's unmasked pixels, laid over the decoded image by `finished(_:)`.
    public let overlay: InpaintOverlay
    /// The only-masked region in the original, nil for whole-picture inpainting.
    public let pasteRegion: PixelRegion?
    public let options: A1111InpaintOptions

    /// - Parameters:
    ///   - image: the picture (any layout; alpha is flattened onto white as A1111 does).
    ///   - mask: the mask, the image's size (read it with `Mask(_:rule:)`).
    ///   - width, height: the processing size.
    /// - Throws: for a mask of another size, bad sizes or blur, or only-masked inpainting with a blank mask
    ///   (A1111 then silently falls back to plain img2img; Easel says so instead).
    public init(image: Image, mask: Mask, width: Int, height: Int, options: A1111InpaintOptions = .init()) throws {
        try mask.checkSize(matches: image)
        guard width > 0, height > 0 else {
            throw ImageError.invalidArgument("the processing size must be positive, got \(width)x\(height)")
        }
        self.width = width
        self.height = height
        self.options = options
        var imageMask = options.invertMask ? mask.inverted() : mask
        imageMask = try imageMask.blurred(x: options.maskBlurX, y: options.maskBlurY)
        let flat = image.a1111Flattened()
        var processingImage: Image
        switch options.area {
        case .wholePicture:
            let resizedMask = try Mask(gray: imageMask.image.resized(width: width, height: height, mode: options.resizeMode))
            processingImage = try flat.resized(width: width, height: height, mode: options.resizeMode)
            overlay = try InpaintOverlay(original: processingImage, mask: resizedMask.doubled())
            pasteRegion = nil
            imageMask = resizedMask
        case .onlyMasked(let padding):
            guard let region = try imageMask.inpaintCropRegion(
                padding: padding, processingWidth: width, processingHeight: height)
            else {
                throw ImageError.invalidArgument(
                    "the mask is blank: \"only masked\" inpainting needs a masked area (A1111 would fall back to img2img)")
            }
            overlay = try InpaintOverlay(original: flat, mask: imageMask)
            pasteRegion = region
            imageMask = try Mask(gray: imageMask.cropped(to: region).image
                .resized(width: width, height: height, mode: .resizeAndFill))
            processingImage = try flat.cropped(to: region).resized(width: width, height: height, mode: .resizeAndFill)
        }
        // A1111 fills for every choice but "original" (`if self.inpainting_fill != 1`): latent noise and latent
        // nothing also encode the filled image before overwriting its masked latents.
        if options.maskedContent != .original {
            processingImage = try processingImage.filledMaskedArea(mask: imageMask)
        }
        self.image = processingImage
        self.mask = imageMask
    }

    /// A1111's latent mask of `mask` at the latent size (1 = repaint), rounded as `options.roundMask` says.
    public func latentMask(latentWidth: Int, latentHeight: Int) throws -> [Float] {
        try mask.a1111LatentMask(latentWidth: latentWidth, latentHeight: latentHeight, round: options.roundMask)
    }

    /// The decoded image (processing size) with the original's unmasked pixels restored (`apply_overlay`):
    /// the original's size for only-masked inpainting, the processing size for whole-picture inpainting.
    public func finished(_ generated: Image) throws -> Image {
        try overlay.applied(to: generated, region: pasteRegion)
    }
}
