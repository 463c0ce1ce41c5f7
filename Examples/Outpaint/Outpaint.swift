// Extend an image past its borders: the canvas grows on the sides asked for, the new area is filled (edge,
// mirror, noise or gray) and repainted with a feathered mask, and the original pixels keep their values and place.
//
//   swift run outpaint --model SD15 [--image photo.png] [--extend 128,0,128,0] [--fill edge] [--output wide.png]
import ArgumentParser
import Easel
import EaselImage
import Foundation

@main
struct Outpaint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outpaint", abstract: "Extend a photo past its borders, keeping the original exactly.")

    @Option(help: "A Stable Diffusion 1.x model (an inpainting one is best): a diffusers folder or a checkpoint.")
    var model: String?

    @Option(help: "The photo (default: the bundled cat, 451x300).")
    var image: String?

    @Option(help: "Pixels to add: LEFT,TOP,RIGHT,BOTTOM.")
    var extend = "128,0,128,0"

    @Option(help: "How the new area starts: edge, mirror, noise or gray.")
    var fill = "edge"

    @Option(help: "What the wider picture shows.")
    var prompt = "a cat lying on a sofa in a cozy living room, photograph"

    @Option(help: "The seed.")
    var seed: UInt64 = 11

    @Option(help: "Denoising steps.")
    var steps = 25

    @Option(help: "Where to write the picture (PNG).")
    var output = "outpaint.png"

    func validate() throws {
        guard model != nil else {
            throw ValidationError(
                "outpaint needs a Stable Diffusion 1.x model, which is not bundled: --model PATH (e.g. "
                    + "sd-v1-5-inpainting.ckpt, or v1-5-pruned-emaonly.safetensors, or a diffusers folder)")
        }
        _ = try sides()
        _ = try canvasFill()
    }

    func sides() throws -> [Int] {
        let values = extend.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 4, values.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw ValidationError("--extend takes four non-negative pixel counts LEFT,TOP,RIGHT,BOTTOM, got '\(extend)'")
        }
        return values.map { $0! }
    }

    func canvasFill() throws -> CanvasFill {
        switch fill {
        case "edge": return .edge
        case "mirror": return .mirror
        case "noise": return .noise(seed: seed)
        case "gray": return .gray
        default: throw ValidationError("--fill is edge, mirror, noise or gray, got '\(fill)'")
        }
    }

    func run() throws {
        let photo = try image.map { try Image.load(from: URL(fileURLWithPath: $0)) } ?? bundledPhoto()
        let amounts = try sides()
        var outpainting = Outpainting(left: amounts[0], top: amounts[1], right: amounts[2], bottom: amounts[3])
        outpainting.fill = try canvasFill()
        var request = GenerationRequest(prompt: prompt)
        request.negativePrompt = "blurry, low quality, frame, border"
        request.seed = seed
        request.steps = steps
        request.initImage = photo
        request.outpainting = outpainting

        let stableDiffusion = try StableDiffusionModel(contentsOf: URL(fileURLWithPath: model!))
        let result = try StableDiffusionPipeline(model: stableDiffusion).generate(request) { progress in
            print("step \(progress.step)/\(progress.totalSteps)")
            return .proceed
        }
        try result.writePNG(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(result.image.width)x\(result.image.height), the original at (\(amounts[0]), \(amounts[1])))")
    }

    func bundledPhoto() throws -> Image {
        guard let url = Bundle.module.url(forResource: "Samples/chelsea.png", withExtension: nil) else {
            throw ValidationError("the bundled photo is missing from this build")
        }
        return try Image.load(from: url)
    }
}
