// Scribble to image: a drawing (dark strokes on white) guides Stable Diffusion through a scribble ControlNet.
//
//   swift run scribble-to-image --model SD15 --controlnet control_v11p_sd15_scribble.safetensors \
//       [--scribble drawing.png] [--prompt "a cozy cottage ..."] [--seed 42] [--steps 20] [--size 512] [--output house.png]
//
// The bundled scribble (a house, a tree and the sun) is used when --scribble is not given. The ControlNet unit
// turns the drawing into the condition map itself (the scribble preprocessor: white strokes on black).
import ArgumentParser
import Easel
import EaselImage
import Foundation
import ScribbleAnnotator

@main
struct ScribbleToImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scribble-to-image", abstract: "Turn a scribble into a picture with a scribble ControlNet.")

    @Option(help: "A Stable Diffusion 1.x model: a diffusers folder or a single .safetensors/.ckpt checkpoint.")
    var model: String?

    @Option(help: "A scribble ControlNet: a diffusers folder or control_v11p_sd15_scribble.safetensors.")
    var controlnet: String?

    @Option(help: "The drawing (default: the bundled house scribble).")
    var scribble: String?

    @Option(help: "What the drawing shows.")
    var prompt = "a cozy cottage with a tree beside it under the sun, watercolor, soft light"

    @Option(help: "What to avoid.")
    var negativePrompt = "blurry, low quality"

    @Option(help: "The seed.")
    var seed: UInt64 = 42

    @Option(help: "Denoising steps.")
    var steps = 20

    @Option(help: "Width and height in pixels (a multiple of 8).")
    var size = 512

    @Option(help: "Where to write the picture (PNG).")
    var output = "scribble_to_image.png"

    func validate() throws {
        guard model != nil, controlnet != nil else {
            throw ValidationError(
                "scribble-to-image needs two models that are not bundled: --model PATH (Stable Diffusion 1.x, e.g. "
                    + "runwayml/stable-diffusion-v1-5 as a diffusers folder or v1-5-pruned-emaonly.safetensors) and "
                    + "--controlnet PATH (e.g. control_v11p_sd15_scribble.safetensors)")
        }
    }

    func run() throws {
        let drawing = try scribble.map { try Image.load(from: URL(fileURLWithPath: $0)) } ?? bundledScribble()
        let stableDiffusion = try StableDiffusionModel(contentsOf: URL(fileURLWithPath: model!))
        let net = try LoadedControlNet(contentsOf: URL(fileURLWithPath: controlnet!))

        var unit = ControlUnit(controlNet: net, image: drawing)
        unit.preprocessor = ScribbleAnnotator()
        var request = GenerationRequest(prompt: prompt)
        request.negativePrompt = negativePrompt
        request.seed = seed
        request.steps = steps
        request.width = size
        request.height = size
        request.controlUnits = [unit]

        let result = try StableDiffusionPipeline(model: stableDiffusion).generate(request) { progress in
            print("step \(progress.step)/\(progress.totalSteps)")
            return .proceed
        }
        try result.writePNG(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }

    func bundledScribble() throws -> Image {
        guard let url = Bundle.module.url(forResource: "Samples/scribble_house.png", withExtension: nil) else {
            throw ValidationError("the bundled scribble is missing from this build")
        }
        return try Image.load(from: url)
    }
}
