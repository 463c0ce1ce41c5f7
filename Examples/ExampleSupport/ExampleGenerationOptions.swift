import ArgumentParser
import Easel
import EaselImage
import Foundation

/// The options every example shares (`@OptionGroup var common: ExampleGenerationOptions`) and the steps they all
/// take: require the model, build the request, load, generate with a progress line, write the PNG.
public struct ExampleGenerationOptions: ParsableArguments {
    @Option(help: "A Stable Diffusion 1.x model: a diffusers folder or a single .safetensors/.ckpt checkpoint.")
    public var model: String?

    @Option(help: "What to draw (default: the example's own prompt).")
    public var prompt: String?

    @Option(help: "What to avoid.")
    public var negativePrompt = "blurry, low quality"

    @Option(help: "The seed (default: the example's own).")
    public var seed: UInt64?

    @Option(help: "Denoising steps.")
    public var steps = 20

    @Option(help: "Width and height in pixels, a multiple of 8 (default: the example's own).")
    public var size: Int?

    @Option(help: "Where to write the picture (PNG; default: the example's own name).")
    public var output: String?

    public init() {}

    /// Throws the usage error that names what the example needs when `--model` (or another model) is missing:
    /// `needs` lists each flag with what to pass, e.g. `["--model PATH (Stable Diffusion 1.x, ...)"]`.
    public static func require(_ values: [String?], example: String, needs: [String]) throws {
        guard values.contains(where: { $0 == nil }) else { return }
        throw ValidationError(
            "\(example) needs \(needs.count == 1 ? "a model that is" : "models that are") not bundled: "
                + needs.joined(separator: " and "))
    }

    /// A request with these options over the example's defaults.
    public func request(prompt defaultPrompt: String, seed defaultSeed: UInt64) -> GenerationRequest {
        var request = GenerationRequest(prompt: prompt ?? defaultPrompt)
        request.negativePrompt = negativePrompt
        request.seed = seed ?? defaultSeed
        request.steps = steps
        if let size {
            request.width = size
            request.height = size
        }
        return request
    }

    /// Loads `--model`, runs `request` printing each step, and writes the PNG (with its A1111 parameters) to
    /// `--output` or `defaultOutput`. Returns the result.
    @discardableResult
    public func generate(_ request: GenerationRequest, defaultOutput: String) throws -> GenerationResult {
        guard let model else { throw ValidationError("--model PATH is required") }
        let stableDiffusion = try StableDiffusionModel(contentsOf: URL(fileURLWithPath: model))
        let result = try StableDiffusionPipeline(model: stableDiffusion).generate(request) { progress in
            print("step \(progress.step)/\(progress.totalSteps)")
            return .proceed
        }
        let path = outputPath(default: defaultOutput)
        try result.writePNG(to: URL(fileURLWithPath: path))
        print("wrote \(path) (\(result.image.width)x\(result.image.height))")
        return result
    }

    /// Where the picture goes: `--output` or the example's default.
    public func outputPath(default name: String) -> String { output ?? name }
}
