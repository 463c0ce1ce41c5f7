import EaselImage
import EaselTensor

/// The image-side inputs of an inpainting run at the generation size, resolved from the request's image, mask
/// and method, as the tensors the loop reads.
struct InpaintPlan {
    /// `[1, 3, H, W]` in [-1, 1]: what the VAE encodes to start from and to blend with (A1111: already filled
    /// unless masked content is "original").
    let image: Tensor
    /// `[1, 3, H, W]`: `image` with the repainted pixels 0 (mid-gray), which a 9-channel UNet reads encoded.
    let maskedImage: Tensor
    /// `[1, 1, h, w]`: the mask channel of a 9-channel UNet (binarised, nearest to the latent size).
    let conditioningMask: Tensor
    /// `[1, 1, h, w]`: the blend weight of the latents (1 = repaint): diffusers' `conditioningMask`, A1111's
    /// latent mask.
    let blendMask: Tensor
    /// A1111's preparation (paste-back, masked content); nil for the diffusers method.
    let a1111: A1111InpaintPreparation?
    /// Whole-picture A1111 inpainting of an image whose size is not the generation size (a side not a multiple
    /// of 8, or another `width`/`height`): the original's unmasked pixels at the original's size. The decoded
    /// image is resized back to that size and this is laid over it, so the result keeps the input's size and
    /// pixels where A1111 would return the generation size (`finished` is not used then).
    let originalSizeOverlay: InpaintOverlay?
    /// The image and mask the ControlNet v1.1 inpaint condition is made from (`controlCondition()`), kept
    /// until a unit asks for it.
    private let conditionSource: (image: Image, mask: Mask)
    private let size: (width: Int, height: Int)

    init(source: Image, mask: Mask, method: InpaintMethod, width: Int, height: Int, latentFactor: Int) throws {
        let inputs: DiffusersInpaintInputs
        switch method {
        case .diffusers:
            inputs = try DiffusersInpaintInputs(
                image: source, mask: mask, width: width, height: height, vaeScaleFactor: latentFactor)
            blendMask = Tensor(shape: [1, 1, inputs.latentHeight, inputs.latentWidth], scalars: inputs.latentMask)
            a1111 = nil
            originalSizeOverlay = nil
            conditionSource = (source.droppingAlpha(), mask)
        case .a1111(let options):
            let preparation = try A1111InpaintPreparation(
                image: source, mask: mask, width: width, height: height, options: options)
            inputs = try DiffusersInpaintInputs(
                image: preparation.image, mask: preparation.mask, width: width, height: height,
                vaeScaleFactor: latentFactor)
            let latentWidth = width / latentFactor, latentHeight = height / latentFactor
            blendMask = Tensor(
                shape: [1, 1, latentHeight, latentWidth],
                scalars: try preparation.latentMask(latentWidth: latentWidth, latentHeight: latentHeight))
            a1111 = preparation
            conditionSource = (preparation.image, preparation.mask)
            if options.area == .wholePicture, source.width != width || source.height != height {
                // The same overlay A1111 builds at the processing size (the blurred mask, doubled), at the
                // original's.
                let processed = try (options.invertMask ? mask.inverted() : mask)
                    .blurred(x: options.maskBlurX, y: options.maskBlurY)
                originalSizeOverlay = try InpaintOverlay(original: source.a1111Flattened(), mask: processed.doubled())
            } else {
                originalSizeOverlay = nil
            }
        }
        image = Tensor(shape: [1, 3, height, width], scalars: inputs.image)
        maskedImage = Tensor(shape: [1, 3, height, width], scalars: inputs.maskedImage)
        conditioningMask = Tensor(shape: [1, 1, inputs.latentHeight, inputs.latentWidth], scalars: inputs.latentMask)
        size = (width, height)
    }

    /// The ControlNet v1.1 inpaint condition at the generation size: `[1, 3, H, W]` (image in [0, 1], repainted
    /// pixels -1), and as a picture (repainted pixels black) for `GenerationResult.controlMaps`. Made from the
    /// image and mask at the generation size, as diffusers' docs make it from images of that size
    /// (`make_inpaint_condition`); A1111's prepared image and mask already have it.
    func controlCondition() throws -> (tensor: Tensor, image: Image) {
        var (image, mask) = conditionSource
        let (width, height) = size
        if image.width != width || image.height != height {
            image = try image.resized(width: width, height: height, resampler: .pillow(.lanczos))
            mask = Mask(try mask.image.resized(width: width, height: height, resampler: .pillow(.lanczos)), rule: .luminance)
        }
        let condition = try image.controlNetInpaintCondition(mask: mask)
        return (
            Tensor(shape: [1, 3, height, width], scalars: condition),
            try Image(planarFloats: condition.map { max($0, 0) }, width: width, height: height, layout: .rgb,
                      range: .zeroToOne))
    }
}
