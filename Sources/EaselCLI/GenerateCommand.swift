import AnnotatorCore
import ArgumentParser
import Easel
import EaselDiffusion
import EaselImage
import Foundation

/// `easel generate --model PATH --prompt TEXT --output OUT.png`: text-to-image, or image-to-image with
/// `--init-image` and `--strength`, inpainting with `--mask` or outpainting with `--extend` (`InpaintArguments`),
/// under any number of `--control` units (`ControlSpec`). The PNG carries the settings as an A1111 `parameters` text chunk.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make an image from a prompt (and optionally an init image) with a Stable Diffusion model.",
        discussion: """
            MODEL is a diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/) or a \
            single SD 1.x checkpoint (.safetensors or .ckpt). With --rng cpu (the default) and --prompt-syntax plain, the image \
            equals what diffusers' StableDiffusionPipeline gives for the same settings and \
            torch.Generator("cpu").manual_seed(SEED). Prompts use A1111's syntax by default: (word:1.3), (word), \
            [word], 75-token chunks.
            """)

    @Option(help: "The model: a diffusers folder or a single .safetensors or .ckpt checkpoint.")
    var model: String

    @Option(help: "What to draw.")
    var prompt: String

    @Option(help: "What not to draw.")
    var negativePrompt: String = ""

    @Option(help: "The seed (default: a random one, recorded in the PNG).")
    var seed: UInt64?

    @Option(help: "Denoising steps.")
    var steps: Int = 20

    @Option(help: "Classifier-free guidance scale (1 turns guidance off).")
    var cfgScale: Float = 7.5

    @Option(help: "Image width, a multiple of 8 (default: the init image's, else the first --control image's, else the model's 512).")
    var width: Int?

    @Option(help: "Image height, a multiple of 8 (default: the init image's, else the first --control image's, else the model's 512).")
    var height: Int?

    @Option(help: "Sampler: \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: the model's own scheduler).")
    var sampler: SchedulerKind?

    @Option(help: "Sigma schedule: default or karras (euler and dpmpp_2m).")
    var schedule: ScheduleArgument = .default

    @Option(help: "A1111's clip skip: 1 uses the text encoder's last layer, 2 the one before.")
    var clipSkip: Int = 1

    @Option(help: "Random numbers: cpu (torch's CPU generator, as diffusers) or cuda (A1111's GPU seeds).")
    var rng: RandomSourceKind = .cpu

    @Option(help: "How prompts are read: a1111 (weights, 75-token chunks) or plain (diffusers: literal, 77 tokens).")
    var promptSyntax: PromptSyntaxArgument = .a1111

    @Option(help: "Image-to-image: the picture to start from.")
    var initImage: String?

    @Option(help: "Image-to-image: how much to change the init image, in (0, 1].")
    var strength: Double?

    @Option(help: "VAE in tiles: auto (above 1024 px for SD 1.x), on (diffusers' enable_tiling: above 512 px) or off.")
    var vaeTiling: VAETilingMode = .automatic

    @Option(
        name: .customLong("control"),
        help: ArgumentHelp(
            "A ControlNet unit (repeatable): model=PATH,image=PATH[,preprocessor=canny|scribble|inpaint][,weight=X][,start=X][,end=X][,mode=balanced|prompt|control][,resize=just|crop|fill].",
            discussion: "model: a diffusers ControlNet folder or a v1.1 .safetensors file; image: the condition map, or the raw picture with a preprocessor; weight (default 1), start/end (fractions of the steps, default 0 and 1), mode (A1111's control modes, or guess for diffusers' guess mode) and resize (default crop, A1111's; just is diffusers'). preprocessor=inpaint (ControlNet v1.1 inpaint) builds the condition from --init-image and --mask (or --extend) and needs no image."))
    var control: [String] = []

    @OptionGroup(title: "Inpainting and outpainting")
    var inpaint: InpaintArguments

    @Option(help: "Weight variant to read from a diffusers folder (e.g. fp16).")
    var variant: String?

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @Option(name: .shortAndLong, help: "Where to write the image (PNG).")
    var output: String

    func validate() throws {
        for (flag, value) in [("--width", width), ("--height", height)] {
            if let value, value <= 0 || value % 8 != 0 || value > 4096 {
                throw ValidationError("\(flag) must be a positive multiple of 8 up to 4096, got \(value)")
            }
        }
        if !(1...1000).contains(steps) { throw ValidationError("--steps must be between 1 and 1000, got \(steps)") }
        if !cfgScale.isFinite || cfgScale < 0 { throw ValidationError("--cfg-scale must be a non-negative number, got \(cfgScale)") }
        if clipSkip < 1 { throw ValidationError("--clip-skip counts from 1 (no skip), got \(clipSkip)") }
        if let strength {
            guard initImage != nil else { throw ValidationError("--strength needs --init-image") }
            guard strength > 0, strength <= 1 else { throw ValidationError("--strength must be in (0, 1], got \(strength)") }
        }
        if schedule == .karras, let sampler, !sampler.supportsKarras {
            throw ValidationError("--schedule karras works with euler and dpmpp_2m, not \(sampler.rawValue)")
        }
        try inpaint.validate(hasInitImage: initImage != nil)
        for spec in control where try ControlSpec(parsing: spec).preprocessor == .inpaint {
            if inpaint.mask == nil && inpaint.extend == nil {
                throw ValidationError("--control with preprocessor=inpaint needs --mask or --extend")
            }
        }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if ext != "png" { throw ValidationError("--output must be a .png file, got '\(output)'") }
    }

    func makeRequest() throws -> GenerationRequest {
        var request = GenerationRequest(prompt: prompt)
        request.negativePrompt = negativePrompt
        request.seed = seed ?? UInt64(UInt32.random(in: 0...UInt32.max))
        request.steps = steps
        request.guidanceScale = cfgScale
        request.width = width
        request.height = height
        request.sampler = sampler
        request.karras = schedule == .karras
        request.clipSkip = clipSkip
        request.randomSource = rng
        request.promptSyntax = promptSyntax.syntax
        request.vaeTiling = vaeTiling
        if let initImage {
            request.initImage = try Image.load(from: URL(fileURLWithPath: initImage))
            // Outpainting paints new area from its fill, so it starts from noise unless told otherwise.
            request.strength = strength ?? (inpaint.extend != nil ? 1 : 0.75)
        }
        try inpaint.apply(to: &request)
        // Each ControlNet path and each preprocessor is loaded once, however many units name it.
        var nets: [String: LoadedControlNet] = [:]
        var annotators: [ControlSpec.Preprocessor: any Annotator] = [:]
        for text in control {
            let spec = try ControlSpec(parsing: text)
            // The inpaint unit's condition comes from the request; its image is not read.
            guard let image = try spec.image.map({ try Image.load(from: URL(fileURLWithPath: $0)) }) ?? request.initImage
            else { throw ValidationError("--control image=PATH is required") }
            let net = try nets[spec.model] ?? LoadedControlNet(contentsOf: URL(fileURLWithPath: spec.model))
            nets[spec.model] = net
            var annotator: (any Annotator)?
            if let preprocessor = spec.preprocessor {
                annotator = try annotators[preprocessor] ?? preprocessor.makeAnnotator()
                annotators[preprocessor] = annotator
            }
            request.controlUnits.append(spec.makeUnit(net: net, image: image, annotator: annotator))
        }
        return request
    }

    func run() throws {
        let request = try makeRequest()
        let model = try StableDiffusionModel(contentsOf: URL(fileURLWithPath: model), variant: variant)
        let line = ProgressLine(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        let result = try StableDiffusionPipeline(model: model).generate(request) { progress in
            line.show(progress)
            return .proceed
        }
        line.finish()
        try result.writePNG(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(result.image.width)x\(result.image.height), seed \(request.seed))")
    }
}

/// `--schedule` values.
enum ScheduleArgument: String, ExpressibleByArgument, CaseIterable {
    case `default`, karras
}

/// `--prompt-syntax` values.
enum PromptSyntaxArgument: String, ExpressibleByArgument, CaseIterable {
    case a1111, plain

    var syntax: PromptSyntax { self == .a1111 ? .a1111 : .plain }
}

extension SchedulerKind: ExpressibleByArgument {}
extension RandomSourceKind: ExpressibleByArgument {}
extension VAETilingMode: ExpressibleByArgument {}
