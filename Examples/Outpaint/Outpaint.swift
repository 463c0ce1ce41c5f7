// Extend an image past its borders: the canvas grows on the sides asked for, the new area is filled (edge,
// mirror, noise or gray) and repainted with a feathered mask, and the original pixels keep their values and place.
//
//   swift run outpaint --model SD15 [--image photo.png] [--extend 128,0,128,0] [--fill edge] [--output wide.png]
import ArgumentParser
import Easel
import EaselImage
import ExampleSamples
import ExampleSupport
import Foundation

@main
struct Outpaint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outpaint", abstract: "Extend a photo past its borders, keeping the original exactly.")

    @OptionGroup var common: ExampleGenerationOptions

    @Option(help: "The photo (default: the bundled cat, 451x300).")
    var image: String?

    @Option(help: "Pixels to add: LEFT,TOP,RIGHT,BOTTOM.")
    var extend = "128,0,128,0"

    @Option(help: "How the new area starts: edge, mirror, noise or gray.")
    var fill = "edge"

    func validate() throws {
        try ExampleGenerationOptions.require(
            [common.model], example: "outpaint",
            needs: ["--model PATH (Stable Diffusion 1.x, best an inpainting one: sd-v1-5-inpainting.ckpt, or "
                        + "v1-5-pruned-emaonly.safetensors, or a diffusers folder)"])
        _ = try sides()
        guard CanvasFill(name: fill, seed: 0) != nil else {
            throw ValidationError("--fill is edge, mirror, noise or gray, got '\(fill)'")
        }
    }

    func sides() throws -> [Int] {
        guard let sides = OutpaintCanvas.sides(parsing: extend) else {
            throw ValidationError("--extend takes four pixel counts LEFT,TOP,RIGHT,BOTTOM, at least one above 0, got '\(extend)'")
        }
        return sides
    }

    func run() throws {
        let photo = try Image.load(
            from: image.map { URL(fileURLWithPath: $0) } ?? ExampleSamples.url("chelsea.png"))
        let amounts = try sides()
        var request = common.request(prompt: "a cat lying on a sofa in a cozy living room, photograph", seed: 11)
        var outpainting = Outpainting(left: amounts[0], top: amounts[1], right: amounts[2], bottom: amounts[3])
        outpainting.fill = CanvasFill(name: fill, seed: request.seed) ?? .edge
        request.initImage = photo
        request.outpainting = outpainting
        try common.generate(request, defaultOutput: "outpaint.png")
        print("the original sits unchanged at (\(amounts[0]), \(amounts[1]))")
    }
}
