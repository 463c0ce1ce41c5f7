import EaselImage

extension GenerationParameters {
    /// A1111's inpainting keys for a request that inpaints (or outpaints) with A1111's method, as its img2img
    /// writes them: "Mask blur" (when above 0), "Mask mode: Inpaint not masked" (inverted), "Masked content",
    /// "Inpaint area: Only masked" with "Only masked padding" (whole picture is A1111's default and left out).
    /// The diffusers method has none of these options and writes "Inpaint method: diffusers" instead.
    static func inpaintFields(_ request: GenerationRequest) -> [(String, String)] {
        let options: A1111InpaintOptions
        if let inpainting = request.inpainting {
            guard case .a1111(let chosen) = inpainting.method else { return [("Inpaint method", "diffusers")] }
            options = chosen
        } else if let outpainting = request.outpainting {
            options = outpainting.options
        } else {
            return []
        }
        var fields: [(String, String)] = []
        if options.maskBlurX > 0 || options.maskBlurY > 0 {
            fields.append(("Mask blur", String(max(options.maskBlurX, options.maskBlurY))))
        }
        if options.invertMask { fields.append(("Mask mode", "Inpaint not masked")) }
        fields.append(("Masked content", options.maskedContent.a1111Name))
        if case .onlyMasked(let padding) = options.area {
            fields += [("Inpaint area", "Only masked"), ("Only masked padding", String(padding))]
        }
        if let outpainting = request.outpainting {
            fields.append(("Outpaint", "\(outpainting.left),\(outpainting.top),\(outpainting.right),\(outpainting.bottom)"))
        }
        return fields
    }
}

extension MaskedContent {
    /// The name A1111 shows and writes in "Masked content".
    public var a1111Name: String {
        switch self {
        case .fill: "fill"
        case .original: "original"
        case .latentNoise: "latent noise"
        case .latentNothing: "latent nothing"
        }
    }
}
