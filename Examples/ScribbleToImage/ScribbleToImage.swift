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
import ExampleSamples
import ExampleSupport
import Foundation
import ScribbleAnnotator

@main
struct ScribbleToImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scribble-to-image", abstract: "Turn a scribble into a picture with a scribble ControlNet.")

    @OptionGroup var common: ExampleGenerationOptions

    @Option(help: "A scribble ControlNet: a diffusers folder, or control_v11p_sd15_scribble (.safetensors or .pth).")
    var controlnet: String?

    @Option(help: "The drawing (default: the bundled house scribble).")
    var scribble: String?

    func validate() throws {
        try ExampleGenerationOptions.require(
            [common.model, controlnet], example: "scribble-to-image",
            needs: ["--model PATH (Stable Diffusion 1.x, e.g. runwayml/stable-diffusion-v1-5 as a diffusers folder or "
                        + "v1-5-pruned-emaonly.safetensors)",
                    "--controlnet PATH (e.g. control_v11p_sd15_scribble.safetensors)"])
    }

    func run() throws {
        let drawing = try Image.load(
            from: scribble.map { URL(fileURLWithPath: $0) } ?? ExampleSamples.url("scribble_house.png"))
        var unit = ControlUnit(
            controlNet: try LoadedControlNet(contentsOf: URL(fileURLWithPath: controlnet!)), image: drawing)
        unit.preprocessor = ScribbleAnnotator()
        var request = common.request(
            prompt: "a cozy cottage with a tree beside it under the sun, watercolor, soft light", seed: 42)
        request.width = common.size ?? 512
        request.height = common.size ?? 512
        request.controlUnits = [unit]
        try common.generate(request, defaultOutput: "scribble_to_image.png")
    }
}
