/// The image-side inputs of diffusers' `StableDiffusionInpaintPipeline` (0.42), as planar float32 arrays the
/// pipeline wraps in NCHW tensors of batch 1:
///
/// - `image`: `image_processor.preprocess(image, height, width)`: Pillow Lanczos resize (skipped at the same
///   size), `x / 255`, `2x - 1`; 3 planes. The VAE encodes it (4-channel blending, `image_latents`).
/// - `mask`: `mask_processor.preprocess(mask, height, width)` with `do_binarize`, `do_convert_grayscale`:
///   Lanczos resize of the gray mask, `x / 255`, then `binarize` (0 below 0.5, else 1); 1 plane.
/// - `maskedImage`: `init_image * (mask_condition < 0.5)` (0, mid-gray, where repainted; the multiply keeps
///   PyTorch's signed zeros); the VAE encodes it for the 9-channel UNet's `masked_image_latents`.
/// - `latentMask`: `interpolate(mask, size=(height // 8, width // 8))`, nearest (PyTorch's legacy `nearest`:
///   source index `floor(i * in / out)` in float32); the 9-channel UNet's mask channel and the blend weight
///   `latents = (1 - m) * noised_image_latents + m * latents` of 4-channel inpainting.
///
/// With `crop` (diffusers' `padding_mask_crop`: the region from `Mask.inpaintCropRegion`), image and mask are
/// cut to it first and resized with resize mode "fill" (A1111's Resize and fill), as diffusers does.
public struct DiffusersInpaintInputs: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// 3 x height x width, in [-1, 1].
    public let image: [Float]
    /// 1 x height x width, 0 or 1.
    public let mask: [Float]
    /// 3 x height x width: `image` where `mask` is 0, else 0.
    public let maskedImage: [Float]
    public let latentWidth: Int
    public let latentHeight: Int
    /// 1 x latentHeight x latentWidth, 0 or 1.
    public let latentMask: [Float]

    /// - Parameters:
    ///   - image: the picture to inpaint (gray is expanded to RGB, an alpha channel dropped, as `load_image`).
    ///   - mask: white = repaint (read it with `MaskReadRule.luminance` for diffusers' `convert("L")`).
    ///   - width, height: the generation size, multiples of `vaeScaleFactor` (diffusers' `check_inputs`).
    public init(image: Image, mask: Mask, width: Int, height: Int, crop: PixelRegion? = nil,
                vaeScaleFactor: Int = 8) throws {
        guard vaeScaleFactor > 0, width > 0, height > 0, width % vaeScaleFactor == 0, height % vaeScaleFactor == 0
        else {
            throw ImageError.invalidArgument(
                "inpainting needs a size divisible by \(vaeScaleFactor), got \(width)x\(height)")
        }
        let rgb = image.droppingAlpha()
        let sourceImage = try crop.map { try rgb.cropped(to: $0) } ?? rgb
        let resizedImage = try diffusersResized(sourceImage, width, height, cropped: crop != nil)
        let maskValues = try mask.diffusersProcessed(width: width, height: height, crop: crop)

        self.width = width
        self.height = height
        self.image = resizedImage.planarFloats(range: .minusOneToOne)
        self.mask = maskValues
        let planeSize = width * height
        var masked = self.image
        for index in masked.indices {
            let keep: Float = maskValues[index % planeSize] < 0.5 ? 1 : 0
            masked[index] *= keep
        }
        maskedImage = masked
        latentWidth = width / vaeScaleFactor
        latentHeight = height / vaeScaleFactor
        latentMask = nearestInterpolated(maskValues, width: width, height: height,
                                         toWidth: latentWidth, height: latentHeight)
    }
}

extension Mask {
    /// diffusers' mask preprocessing (`VaeImageProcessor(do_normalize=False, do_binarize=True,
    /// do_convert_grayscale=True).preprocess(mask, height, width)`, the inpaint pipelines' `mask_processor` and
    /// `IPAdapterMaskProcessor`): cut to `crop` if given, Lanczos-resized ("fill" mode with a crop), `x / 255`,
    /// then 0 below 0.5 and 1 from 0.5 up. One plane of `width` x `height` floats.
    public func diffusersProcessed(width: Int, height: Int, crop: PixelRegion? = nil) throws -> [Float] {
        let source = try crop.map { try image.cropped(to: $0) } ?? image
        let resized = try diffusersResized(source, width, height, cropped: crop != nil)
        return resized.planarFloats(range: .zeroToOne).map { $0 < 0.5 ? 0 : 1 }
    }
}

/// `VaeImageProcessor.resize` of a PIL image: "default" is a Lanczos resize (a copy at the same size), "fill"
/// (used with a crop) is A1111's resize and fill.
private func diffusersResized(_ image: Image, _ width: Int, _ height: Int, cropped: Bool) throws -> Image {
    if !cropped, image.width == width, image.height == height { return image }
    return try image.resized(width: width, height: height, mode: cropped ? .resizeAndFill : .justResize)
}

/// `torch.nn.functional.interpolate(x, size=(toHeight, toWidth))` (mode "nearest") of one plane: source index
/// `min(floor(i * (Float(in) / Float(out))), in - 1)`, PyTorch's `nearest_idx` in float32.
func nearestInterpolated(_ values: [Float], width: Int, height: Int, toWidth: Int, height toHeight: Int) -> [Float] {
    func sourceIndex(_ index: Int, _ input: Int, _ output: Int) -> Int {
        if input == output { return index }
        if output * 2 == input { return index << 1 }
        let scale = Float(input) / Float(output)
        return min(Int((Float(index) * scale).rounded(.down)), input - 1)
    }
    var output = [Float](repeating: 0, count: toWidth * toHeight)
    for y in 0..<toHeight {
        let sourceY = sourceIndex(y, height, toHeight)
        for x in 0..<toWidth {
            output[y * toWidth + x] = values[sourceY * width + sourceIndex(x, width, toWidth)]
        }
    }
    return output
}
