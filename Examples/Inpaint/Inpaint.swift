// Inpaint a masked region: repaint the part of a photo a mask marks (white = repaint) and keep the rest exactly.
//
//   swift run inpaint --model SD15 [--image photo.png --mask mask.png] [--prompt ...] [--output out.png]
//
// Any SD 1.x model works (latent blending); an inpainting model (sd-v1-5-inpainting, 9-channel UNet) gives
// seamless edges. Without --image, the bundled cat photo is used; without --mask, an ellipse over its middle.
// A1111's options: mask blur, masked content, only-masked with padding.
import ArgumentParser
import Easel
import EaselImage
import ExampleSamples
import ExampleSupport
import Foundation

@main
struct Inpaint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint", abstract: "Repaint the masked region of a photo, keeping the rest exactly.")

    @OptionGroup var common: ExampleGenerationOptions

    @Option(help: "The photo (default: the bundled cat, 451x300).")
    var image: String?

    @Option(help: "The mask, white where to repaint, the photo's size (default: an ellipse over the middle).")
    var mask: String?

    @Option(help: "Mask blur in pixels.")
    var maskBlur = 4

    @Option(help: "Repaint only the masked region at full resolution (A1111's 'only masked'), with this padding.")
    var onlyMaskedPadding: Int?

    @Option(help: "How much the masked region changes, in (0, 1].")
    var strength = 0.9

    func validate() throws {
        try ExampleGenerationOptions.require(
            [common.model], example: "inpaint",
            needs: ["--model PATH (Stable Diffusion 1.x, best an inpainting one: sd-v1-5-inpainting.ckpt, or "
                        + "v1-5-pruned-emaonly.safetensors, or a diffusers folder)"])
    }

    func run() throws {
        let photo = try Image.load(
            from: image.map { URL(fileURLWithPath: $0) } ?? ExampleSamples.url("chelsea.png"))
        let region = try mask.map { try Mask.load(from: URL(fileURLWithPath: $0), for: photo) } ?? ellipse(over: photo)

        var options = A1111InpaintOptions()
        options.maskBlurX = maskBlur
        options.maskBlurY = maskBlur
        if let onlyMaskedPadding { options.area = .onlyMasked(padding: onlyMaskedPadding) }
        var request = common.request(prompt: "a bouquet of yellow flowers, photograph", seed: 3)
        request.strength = strength
        request.initImage = photo
        request.inpainting = Inpainting(mask: region, method: .a1111(options))
        try common.generate(request, defaultOutput: "inpaint.png")
    }

    /// An ellipse over the middle third of the image.
    func ellipse(over image: Image) throws -> Mask {
        let (width, height) = (image.width, image.height)
        var values = [UInt8](repeating: 0, count: width * height)
        let (cx, cy, rx, ry) = (Double(width) / 2, Double(height) / 2, Double(width) / 6, Double(height) / 5)
        for y in 0..<height {
            for x in 0..<width {
                let (dx, dy) = ((Double(x) - cx) / rx, (Double(y) - cy) / ry)
                if dx * dx + dy * dy <= 1 { values[y * width + x] = 255 }
            }
        }
        return try Mask(width: width, height: height, values: values)
    }
}
