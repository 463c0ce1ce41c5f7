import EaselImage

/// Inpainting settings of a `GenerationRequest`: the mask over `initImage` (255 = repaint, 0 = keep; the image's
/// size) and which of the two inpainting procedures runs.
///
/// Works with both kinds of model: an inpainting checkpoint (9-channel UNet, `in_channels` 9, e.g.
/// sd-v1-5-inpainting), which reads the mask and the masked image's latents beside its latents, and any ordinary
/// checkpoint (4-channel UNet), whose latents are blended with the noised image latents outside the mask after
/// every step.
public struct Inpainting: Sendable, Equatable {
    /// What to repaint; must have the init image's size (read it with `Mask.load(from:for:)`).
    public var mask: Mask
    public var method: InpaintMethod

    public init(mask: Mask, method: InpaintMethod = .a1111(A1111InpaintOptions())) {
        self.mask = mask
        self.method = method
    }
}

/// Which inpainting procedure a request follows.
public enum InpaintMethod: Sendable, Equatable {
    /// diffusers 0.42.1's `StableDiffusionInpaintPipeline` (with control units
    /// `StableDiffusionControlNetInpaintPipeline`), exactly: mask and image prepared by `DiffusersInpaintInputs`
    /// (mask binarised at 0.5, nearest to latent size), its order of random draws (strength 1 with 9 channels:
    /// noise, then the masked-image encode; otherwise image encode, noise, masked-image encode), its default size
    /// (the model's, 512 for SD 1.x, as the inpaint pipeline; the image's with control units, as the ControlNet
    /// inpaint pipeline) and no paste-back: the decoded image as diffusers returns it. With `.cpu` random numbers
    /// and `.plain` prompts the image equals diffusers'.
    case diffusers
    /// AUTOMATIC1111's img2img inpainting: mask blur, invert, masked content, inpaint area (whole picture, or only
    /// the masked region cropped with padding, generated at the request size and pasted back), prepared by
    /// `A1111InpaintPreparation`; then the same denoising loop as `.diffusers` but started, as A1111's img2img
    /// always is, from the (filled) image latents noised to the first timestep, even at strength 1; "latent
    /// noise" / "latent nothing" replace the repainted latents by the seed's noise / zeros first (`MaskedContent`);
    /// the blend weight is A1111's latent mask; and after decoding the original's unmasked pixels are laid back
    /// over the result (`A1111InpaintPreparation.finished`), so every pixel whose processed mask is 0 equals the
    /// input's. The generation size is `width` x `height`, by default the image's rounded down to a multiple of 8
    /// (for "only masked", the size the region is generated at). The result always has the input's size: where
    /// whole-picture inpainting generates at another size, Easel resizes the decoded image back and lays the
    /// original's unmasked pixels over it (A1111 would return the generation size). The command line's choice.
    case a1111(A1111InpaintOptions)
}

/// Outpainting settings of a `GenerationRequest`: the init image is placed on a canvas grown by `left`, `top`,
/// `right`, `bottom` pixels (`OutpaintCanvas`), the new area is filled by `fill`, and the canvas is inpainted
/// through a mask that covers the new area and fades out over the `feather` pixels next to the original
/// (`OutpaintCanvas`). The inpainting is `InpaintMethod.a1111(options)` on the canvas, whose paste-back keeps every
/// original pixel: the original's values sit unchanged at (`left`, `top`) in the result.
public struct Outpainting: Sendable, Equatable {
    public var left: Int
    public var top: Int
    public var right: Int
    public var bottom: Int
    /// How the new area starts out before it is repainted.
    public var fill: CanvasFill = .edge
    /// The width of the mask's ramp into the original, so the seam blends (0: a hard edge).
    public var feather: Int = 8
    /// The inpainting settings for the canvas. Mask blur defaults to 0 here: the feather already softens the edge,
    /// and a blur would also reach into the original's sides that were not extended.
    public var options: A1111InpaintOptions = {
        var options = A1111InpaintOptions()
        options.maskBlurX = 0
        options.maskBlurY = 0
        return options
    }()

    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }
}
