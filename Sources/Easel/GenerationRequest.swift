import EaselDiffusion
import EaselImage

/// Everything that decides one generated image, as a value: `GenerationRequest(prompt: "a red house")` plus
/// whatever settings differ from the defaults. With the same model and request, Easel gives the same image, and
/// (with `.cpu` random numbers and `.plain` prompts) the same image as diffusers' `StableDiffusionPipeline` /
/// `StableDiffusionImg2ImgPipeline` (with control units: their ControlNet versions; with `inpainting` by
/// `InpaintMethod.diffusers`: `StableDiffusionInpaintPipeline` / `StableDiffusionControlNetInpaintPipeline`) called
/// with the same settings and `torch.Generator("cpu").manual_seed(seed)`.
public struct GenerationRequest: Sendable, Equatable {
    public var prompt: String
    /// What the image should not look like; "" is diffusers' default (the tokens of the empty prompt).
    public var negativePrompt: String = ""
    /// The seed of the random source (`torch.Generator.manual_seed(seed)`).
    public var seed: UInt64 = 0
    /// `num_inference_steps`. With an init image only the last `Int(steps * strength)` of them run.
    public var steps: Int = 20
    /// Classifier-free guidance scale; at 1 or below the unconditional pass is skipped, as in diffusers.
    public var guidanceScale: Float = 7.5
    /// Output size in pixels (multiples of 8). Nil: the init image's size (for outpainting the grown canvas's),
    /// else the first control unit's image size (as diffusers' ControlNet pipeline), else the model's default
    /// (512 for SD 1.x); rounded down to 8. diffusers' inpaint pipeline (`InpaintMethod.diffusers` without
    /// control units) takes the model's default, as diffusers does.
    public var width: Int?
    public var height: Int?
    /// The sampler; nil keeps the model's own scheduler class (`scheduler_config.json`'s `_class_name`), as a
    /// diffusers pipeline does.
    public var sampler: SchedulerKind?
    /// Karras sigmas (`use_karras_sigmas=True`); Euler and DPM++ 2M only.
    public var karras: Bool = false
    /// A1111's "Clip skip": 1 uses the text encoder's last layer, 2 the one before (diffusers' `clip_skip = n - 1`).
    public var clipSkip: Int = 1
    /// Where the Gaussian noise comes from.
    public var randomSource: RandomSourceKind = .cpu
    /// How the prompts are read: A1111's `(word:1.2)` weights and 75-token chunks, or diffusers' plain tokens.
    public var promptSyntax: PromptSyntax = .a1111
    /// Image-to-image: the picture to start from, resized to the output size when one is given.
    public var initImage: Image?
    /// How far image-to-image moves away from `initImage`: 1 ignores it, values near 0 keep it.
    public var strength: Double = 0.75
    /// Whether the VAE works in overlapping tiles (bounded memory for large images).
    public var vaeTiling: VAETilingMode = .automatic
    /// ControlNet units, applied together (their residuals summed). With an init image this is diffusers'
    /// `StableDiffusionControlNetImg2ImgPipeline`: structure from the conditions, the rest from the prompt and
    /// the init image.
    public var controlUnits: [ControlUnit] = []
    /// Inpainting: repaint the masked part of `initImage` (`Inpainting`, `InpaintMethod` for the two
    /// procedures). Needs `initImage`; not together with `outpainting`.
    public var inpainting: Inpainting?
    /// Outpainting: grow `initImage`'s canvas and paint the new area (`Outpainting`). Needs `initImage`; not
    /// together with `inpainting`.
    public var outpainting: Outpainting?

    public init(prompt: String) {
        self.prompt = prompt
    }
}

/// When the VAE encodes and decodes in tiles (`AutoencoderKL` with `VAETiling`, diffusers' `vae.enable_tiling()`).
public enum VAETilingMode: String, Sendable, CaseIterable {
    /// Tiles only for images with a side above twice the model's tile (1024 px for SD 1.x), where one pass would
    /// need gigabytes; smaller images give diffusers' untiled result.
    case automatic = "auto"
    /// diffusers' `enable_tiling()`: tiles whenever a side exceeds the model's tile (512 px for SD 1.x).
    case always = "on"
    /// Always one pass, as diffusers without `enable_tiling()`.
    case never = "off"
}

/// The random number generators a request can draw its noise from.
public enum RandomSourceKind: String, Sendable, CaseIterable {
    /// `torch.Generator("cpu")`: diffusers on the CPU, ComfyUI, A1111 with "RNG: CPU".
    case cpu
    /// torch's CUDA Philox generator, the seeds of A1111 on an NVIDIA GPU (its default, "GPU").
    case cuda

    /// A fresh generator seeded with `seed`.
    public func makeSource(seed: UInt64) -> any RandomSource {
        switch self {
        case .cpu: TorchCPUGenerator(seed: seed)
        case .cuda: PhiloxGenerator(seed: seed)
        }
    }
}
