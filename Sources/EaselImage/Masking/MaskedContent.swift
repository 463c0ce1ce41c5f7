/// What the masked area starts from, A1111's "Masked content" (`inpainting_fill` 0-3). The image-side
/// part of `fill` is `Image.filledMaskedArea(mask:)`; the latent-side parts are the pipeline's, described
/// here with A1111's formulas. `m` is `Mask.a1111LatentMask` (1 = repaint) tiled over the latent channels.
public enum MaskedContent: String, Sendable, CaseIterable {
    /// 0, "fill": the pipeline encodes `image.filledMaskedArea(mask: processedMask)` instead of the image.
    case fill
    /// 1, "original": the image is encoded as it is.
    case original
    /// 2, "latent noise": the image is filled as for `fill` (A1111 fills for every choice but original), and
    /// after encoding `init_latent = init_latent * (1 - m) + randn(seed) * m`
    /// (A1111 draws the noise with the image seed, `create_random_tensors`).
    case latentNoise = "latent-noise"
    /// 3, "latent nothing": filled as for `fill`, and after encoding `init_latent = init_latent * (1 - m)`
    /// (zeros where repainted).
    case latentNothing = "latent-nothing"

    /// A1111's index (`inpainting_fill`).
    public var a1111Index: Int {
        switch self {
        case .fill: 0
        case .original: 1
        case .latentNoise: 2
        case .latentNothing: 3
        }
    }
}

extension Mask {
    /// A1111's latent mask (`latmask` in `StableDiffusionProcessingImg2Img.init`), one plane of
    /// `latentWidth` x `latentHeight` floats: the mask (as RGB) resized with Pillow's default filter, bicubic,
    /// `/ 255` in float32, and with `round` (A1111's default `mask_round`) `np.around` (half to even) to 0 or
    /// 1. A1111 blends after sampling `samples * m + init_latent * (1 - m)`; the same weight `m` drives the
    /// "latent noise"/"latent nothing" fills. Pass the processed mask (blurred, at the processing size).
    public func a1111LatentMask(latentWidth: Int, latentHeight: Int, round: Bool = true) throws -> [Float] {
        let resized = try image.resizedLikePillow(width: latentWidth, height: latentHeight, filter: .bicubic)
        return resized.pixels.map { value in
            let scaled = Float(value) / 255
            return round ? scaled.rounded(.toNearestOrEven) : scaled
        }
    }
}
