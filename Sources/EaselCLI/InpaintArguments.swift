import ArgumentParser
import Easel
import EaselImage
import Foundation

/// `easel generate`'s inpainting and outpainting options (DESIGN.md's contract): `--mask` with A1111's options,
/// or `--extend` with a fill. Both need `--init-image` and exclude each other. Usage mistakes (negative numbers,
/// a bad `--extend` list, an option without `--mask`/`--extend`, a mask of another size) exit 2; an unreadable
/// mask file exits 1.
struct InpaintArguments: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Inpainting: the mask over --init-image (white repaints, black keeps; or transparent strokes), its size.",
        discussion: "Read by A1111's rule: a PNG with transparency gives its alpha, others their luminance."))
    var mask: String?

    @Option(help: "Inpainting: blur the mask edge by PX pixels (A1111's mask blur; default 4, 0 with --extend).")
    var maskBlur: Int?

    @Flag(help: "Inpainting: repaint what the mask keeps (A1111's 'Inpaint not masked').")
    var invertMask = false

    @Option(help: "Inpainting: whole (the whole picture) or masked (only the masked region, cut out with padding, generated at the output size and pasted back).")
    var inpaintArea: String?

    @Option(help: "Inpainting: the padding around the masked region for --inpaint-area masked (default 32).")
    var inpaintPadding: Int?

    @Option(help: "Inpainting: what the masked area starts from: original, fill, latent-noise or latent-nothing (default original).")
    var maskedContent: String?

    @Option(help: ArgumentHelp(
        "Outpainting: grow the canvas by LEFT,TOP,RIGHT,BOTTOM pixels and paint the new area.",
        discussion: "The original keeps its pixels (outside an 8-pixel blend ramp along the extended sides). The output has the canvas's size. The strength defaults to 1 here."))
    var extend: String?

    @Option(help: "Outpainting: how the new area starts out: edge, mirror, noise or gray (default edge).")
    var extendFill: String?

    @Option(help: "Inpainting: a1111 (the options above, unmasked pixels pasted back; default) or diffusers (diffusers' StableDiffusionInpaintPipeline exactly: binarised mask, no blur, no paste-back, the model's default size unless --width/--height).")
    var inpaintMethod: String?

    func validate(hasInitImage: Bool) throws {
        let inpaintOptionGiven = maskBlur != nil || invertMask || inpaintArea != nil || inpaintPadding != nil
            || maskedContent != nil || inpaintMethod != nil
        if mask != nil && extend != nil {
            throw ValidationError("--mask and --extend exclude each other: inpaint through a mask, or extend the canvas")
        }
        if (mask != nil || extend != nil) && !hasInitImage {
            throw ValidationError("\(mask != nil ? "--mask" : "--extend") needs --init-image, the picture to \(mask != nil ? "inpaint" : "extend")")
        }
        if mask == nil && extend == nil && (inpaintOptionGiven || extendFill != nil) {
            throw ValidationError("--mask-blur, --invert-mask, --inpaint-area, --inpaint-padding, --masked-content and --inpaint-method need --mask (or --extend)")
        }
        if extend == nil && extendFill != nil { throw ValidationError("--extend-fill needs --extend") }
        if extend != nil && inpaintMethod != nil { throw ValidationError("--inpaint-method applies to --mask; --extend inpaints with A1111's method") }
        if let maskBlur, maskBlur < 0 || maskBlur > 1024 {
            throw ValidationError("--mask-blur must be between 0 and 1024 pixels, got \(maskBlur)")
        }
        if let inpaintPadding, inpaintPadding < 0 || inpaintPadding > 16384 {
            throw ValidationError("--inpaint-padding must be between 0 and 16384 pixels, got \(inpaintPadding)")
        }
        if inpaintPadding != nil && inpaintArea != "masked" {
            throw ValidationError("--inpaint-padding applies to --inpaint-area masked")
        }
        if let inpaintArea, InpaintArea(name: inpaintArea) == nil {
            throw ValidationError("--inpaint-area must be whole or masked, got '\(inpaintArea)'")
        }
        if let maskedContent, MaskedContent(rawValue: maskedContent) == nil {
            throw ValidationError("--masked-content must be original, fill, latent-noise or latent-nothing, got '\(maskedContent)'")
        }
        if let extendFill, CanvasFill(name: extendFill) == nil {
            throw ValidationError("--extend-fill must be edge, mirror, noise or gray, got '\(extendFill)'")
        }
        if let inpaintMethod, !["a1111", "diffusers"].contains(inpaintMethod) {
            throw ValidationError("--inpaint-method must be a1111 or diffusers, got '\(inpaintMethod)'")
        }
        if inpaintMethod == "diffusers" && inpaintOptionGiven && (maskBlur != nil || invertMask || inpaintArea != nil || maskedContent != nil) {
            throw ValidationError("--inpaint-method diffusers has no mask blur, invert, inpaint area or masked content; leave them out")
        }
        if let extend { _ = try Self.sides(extend) }
    }

    /// `--extend L,T,R,B` (`OutpaintCanvas.sides(parsing:)`), or the usage error.
    static func sides(_ text: String) throws -> [Int] {
        guard let sides = OutpaintCanvas.sides(parsing: text) else {
            throw ValidationError(
                "--extend takes four whole numbers LEFT,TOP,RIGHT,BOTTOM between 0 and \(Image.maximumCanvasSide), "
                    + "at least one above 0, got '\(text)'")
        }
        return sides
    }

    /// A1111's options from the flags, with `defaultBlur` when `--mask-blur` is not given.
    func options(defaultBlur: Int) -> A1111InpaintOptions {
        var options = A1111InpaintOptions()
        let blur = maskBlur ?? defaultBlur
        (options.maskBlurX, options.maskBlurY) = (blur, blur)
        options.invertMask = invertMask
        options.maskedContent = maskedContent.flatMap(MaskedContent.init(rawValue:)) ?? .original
        options.area = inpaintArea.flatMap { InpaintArea(name: $0, padding: inpaintPadding ?? 32) } ?? .wholePicture
        return options
    }

    /// Sets the request's inpainting or outpainting (its init image already loaded). A mask of another size
    /// than the init image is a usage error (exit 2); an unreadable mask file fails (exit 1).
    func apply(to request: inout GenerationRequest) throws {
        if let path = mask, let image = request.initImage {
            let mask = try Mask.load(from: URL(fileURLWithPath: path))
            guard mask.width == image.width, mask.height == image.height else {
                throw ValidationError(
                    "the mask \(path) is \(mask.width)x\(mask.height) but the init image is \(image.width)x\(image.height); draw the mask on the image itself")
            }
            request.inpainting = Inpainting(
                mask: mask, method: inpaintMethod == "diffusers" ? .diffusers : .a1111(options(defaultBlur: 4)))
        }
        if let extend {
            let sides = try Self.sides(extend)
            var outpainting = Outpainting(left: sides[0], top: sides[1], right: sides[2], bottom: sides[3])
            outpainting.fill = CanvasFill(name: extendFill ?? "edge", seed: request.seed) ?? .edge
            outpainting.options = options(defaultBlur: 0)
            request.outpainting = outpainting
        }
    }
}
