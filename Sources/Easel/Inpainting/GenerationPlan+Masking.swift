import EaselImage

extension GenerationPlan {
    /// The mask and method a request inpaints with: its `inpainting`, or for `outpainting` the canvas's mask
    /// (filled in by the plan) with A1111's method; nil for neither. Refuses what cannot be combined.
    static func masking(of request: GenerationRequest) throws -> (mask: Mask, method: InpaintMethod)? {
        if request.inpainting != nil && request.outpainting != nil {
            throw GenerationError.invalidRequest(
                "a request either inpaints through a mask or outpaints by extending the canvas, not both")
        }
        if let inpainting = request.inpainting {
            guard let image = request.initImage else {
                throw GenerationError.invalidRequest("inpainting needs an init image for the mask to cover")
            }
            guard inpainting.mask.width == image.width, inpainting.mask.height == image.height else {
                throw GenerationError.invalidRequest(
                    "the mask is \(inpainting.mask.width)x\(inpainting.mask.height) but the init image is \(image.width)x\(image.height); a mask must have the size of the image it masks")
            }
            if case .a1111(let options) = inpainting.method { try check(options) }
            return (inpainting.mask, inpainting.method)
        }
        if let outpainting = request.outpainting {
            guard let image = request.initImage else {
                throw GenerationError.invalidRequest("outpainting needs an init image to extend")
            }
            let sides = [outpainting.left, outpainting.top, outpainting.right, outpainting.bottom]
            guard sides.allSatisfy({ $0 >= 0 }), sides.contains(where: { $0 > 0 }) else {
                throw GenerationError.invalidRequest(
                    "outpainting extends by left, top, right, bottom pixels, none negative and at least one above 0, got \(sides.map(String.init).joined(separator: ","))")
            }
            try check(outpainting.options)
            // A stand-in of the canvas's size: the plan replaces it by the canvas's own mask.
            let mask = try Mask(
                width: image.width + outpainting.left + outpainting.right,
                height: image.height + outpainting.top + outpainting.bottom)
            return (mask, .a1111(outpainting.options))
        }
        return nil
    }

    static func check(_ options: A1111InpaintOptions) throws {
        guard options.maskBlurX >= 0, options.maskBlurY >= 0 else {
            throw GenerationError.invalidRequest("the mask blur must not be negative, got \(options.maskBlurX)")
        }
        if case .onlyMasked(let padding) = options.area, padding < 0 {
            throw GenerationError.invalidRequest("the only-masked padding must not be negative, got \(padding)")
        }
    }
}
