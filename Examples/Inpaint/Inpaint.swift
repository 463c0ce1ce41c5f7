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
import Foundation

@main
struct Inpaint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint", abstract: "Repaint the masked region of a photo, keeping the rest exactly.")

    @Option(help: "A Stable Diffusion 1.x model (an inpainting one is best): a diffusers folder or a checkpoint.")
    var model: String?

    @Option(help: "The photo (default: the bundled cat, 451x300).")
    var image: String?

    @Option(help: "The mask, white where to repaint, the photo's size (default: an ellipse over the middle).")
    var mask: String?

    @Option(help: "What to paint there.")
    var prompt = "a bouquet of yellow flowers, photograph"

    @Option(help: "Mask blur in pixels.")
    var maskBlur = 4

    @Option(help: "Repaint only the masked region at full resolution (A1111's 'only masked'), with this padding.")
    var onlyMaskedPadding: Int?

    @Option(help: "The seed.")
    var seed: UInt64 = 3

    @Option(help: "Denoising steps.")
    var steps = 25

    @Option(help: "How much the masked region changes, in (0, 1].")
    var strength = 0.9

    @Option(help: "Where to write the picture (PNG).")
    var output = "inpaint.png"

    func validate() throws {
        guard model != nil else {
            throw ValidationError(
                "inpaint needs a Stable Diffusion 1.x model, which is not bundled: --model PATH (e.g. "
                    + "sd-v1-5-inpainting.ckpt, or v1-5-pruned-emaonly.safetensors, or a diffusers folder)")
        }
    }

    func run() throws {
        let photo = try image.map { try Image.load(from: URL(fileURLWithPath: $0)) } ?? bundled("chelsea.png")
        let region = try mask.map { try Mask.load(from: URL(fileURLWithPath: $0), for: photo) } ?? ellipse(over: photo)

        var options = A1111InpaintOptions()
        options.maskBlurX = maskBlur
        options.maskBlurY = maskBlur
        if let onlyMaskedPadding { options.area = .onlyMasked(padding: onlyMaskedPadding) }
        var request = GenerationRequest(prompt: prompt)
        request.negativePrompt = "blurry, low quality"
        request.seed = seed
        request.steps = steps
        request.strength = strength
        request.initImage = photo
        request.inpainting = Inpainting(mask: region, method: .a1111(options))

        let stableDiffusion = try StableDiffusionModel(contentsOf: URL(fileURLWithPath: model!))
        let result = try StableDiffusionPipeline(model: stableDiffusion).generate(request) { progress in
            print("step \(progress.step)/\(progress.totalSteps)")
            return .proceed
        }
        try result.writePNG(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(result.image.width)x\(result.image.height); outside the mask, the photo's own pixels)")
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

    func bundled(_ name: String) throws -> Image {
        guard let url = Bundle.module.url(forResource: "Samples/" + name, withExtension: nil) else {
            throw ValidationError("the bundled \(name) is missing from this build")
        }
        return try Image.load(from: url)
    }
}
