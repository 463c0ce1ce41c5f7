import EaselDiffusion
import EaselImage

/// A request checked against a model, with every default resolved: the output size, the sampler, whether
/// guidance runs, and the init image at that size. Building one is where bad settings are refused, before any
/// network runs.
struct GenerationPlan {
    let request: GenerationRequest
    let width: Int
    let height: Int
    let sampler: SchedulerKind
    /// Classifier-free guidance runs when the scale is above 1 (diffusers' `do_classifier_free_guidance`).
    let usesGuidance: Bool
    /// The init image as RGB at `width` x `height`, for image-to-image (nil when inpainting, whose inputs
    /// `inpaint` prepares).
    let initImage: Image?
    /// The VAE tiling to encode and decode with; nil: one pass.
    let vaeTiling: VAETiling?
    /// The control units with their condition maps at `width` x `height`.
    let controlUnits: [PreparedControlUnit]
    /// Inpainting (or outpainting) inputs at `width` x `height`; nil for text-to-image and image-to-image.
    let inpaint: InpaintPlan?

    /// The largest side accepted: 4096 px is 512 x 512 latents, far beyond what SD 1.x/2.x make sense at,
    /// and low enough that a typo cannot ask for more memory than a machine has.
    static let maximumSide = 4096

    init(request: GenerationRequest, model: StableDiffusionModel) throws {
        self.request = request
        let factor = model.vae.downscaleFactor
        guard request.steps >= 1, request.steps <= 1000 else {
            throw GenerationError.invalidRequest("steps must be between 1 and 1000, got \(request.steps)")
        }
        guard request.guidanceScale.isFinite else {
            throw GenerationError.invalidRequest("the guidance scale must be a finite number")
        }
        guard request.clipSkip >= 1, request.clipSkip <= model.textEncoder.config.numHiddenLayers else {
            throw GenerationError.invalidRequest(
                "clip skip must be between 1 and \(model.textEncoder.config.numHiddenLayers) (the text encoder's layers), got \(request.clipSkip)")
        }
        let masking = try Self.masking(of: request)
        let latentChannels = model.vae.config.latentChannels
        let inpaintingUNet = model.unet.config.inChannels == 2 * latentChannels + 1
        guard model.unet.config.inChannels == latentChannels || (inpaintingUNet && masking != nil) else {
            throw GenerationError.unsupported(inpaintingUNet
                ? "this is an inpainting model (a UNet with \(model.unet.config.inChannels) input channels): give it an init image and a mask, or use an ordinary checkpoint"
                : "this UNet takes \(model.unet.config.inChannels) input channels; Easel runs UNets of \(latentChannels) (or \(2 * latentChannels + 1) for inpainting)")
        }

        // The init image, RGB as diffusers' load_image makes it (alpha dropped); for outpainting the grown canvas.
        var outpaintCanvas: OutpaintCanvas?
        if let outpainting = request.outpainting, let image = request.initImage {
            outpaintCanvas = try OutpaintCanvas(
                extending: image, left: outpainting.left, top: outpainting.top, right: outpainting.right,
                bottom: outpainting.bottom, fill: outpainting.fill, feather: outpainting.feather)
        }
        let source = (outpaintCanvas?.image ?? request.initImage)?.droppingAlpha()
        // Without a size or an init image, diffusers' ControlNet pipelines take the first condition image's;
        // diffusers' inpaint pipeline (without control units) takes the model's default size.
        let diffusersInpainting = masking?.method == .diffusers && request.controlUnits.isEmpty
        let sizeSource = diffusersInpainting ? nil : source ?? request.controlUnits.first?.image
        width = request.width ?? sizeSource.map { $0.width - $0.width % factor } ?? model.defaultImageSize.width
        height = request.height ?? sizeSource.map { $0.height - $0.height % factor } ?? model.defaultImageSize.height
        for (name, side) in [("width", width), ("height", height)] {
            guard side >= factor, side <= Self.maximumSide, side % factor == 0 else {
                throw GenerationError.invalidRequest(
                    "\(name) must be a multiple of \(factor) between \(factor) and \(Self.maximumSide), got \(side)")
            }
        }

        if let source {
            guard request.strength > 0, request.strength <= 1 else {
                throw GenerationError.invalidRequest("strength must be in (0, 1], got \(request.strength)")
            }
            guard Int(Double(request.steps) * request.strength) >= 1 else {
                throw GenerationError.invalidRequest(
                    "strength \(request.strength) of \(request.steps) steps runs no step; raise the steps or the strength")
            }
            if masking != nil {
                initImage = nil  // inpainting prepares its own inputs (InpaintPlan)
            } else if source.width == width && source.height == height {
                initImage = source
            } else {
                // diffusers' VaeImageProcessor resizes to the size it works at with Pillow's Lanczos; A1111's
                // "Just resize" does the same.
                initImage = try source.resized(width: width, height: height, resampler: .pillow(.lanczos))
            }
        } else {
            initImage = nil
        }

        if let sampler = request.sampler {
            self.sampler = sampler
        } else if let own = SchedulerKind(diffusersClassName: model.schedulerConfig.className) {
            sampler = own
        } else {
            throw GenerationError.unsupported(
                "the model's scheduler \(model.schedulerConfig.className ?? "(unnamed)") is not one Easel has; choose a sampler (\(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if request.karras && !sampler.supportsKarras {
            throw GenerationError.invalidRequest("the Karras schedule is available with euler and dpmpp_2m only, not \(sampler.rawValue)")
        }
        usesGuidance = request.guidanceScale > 1

        if let masking, let source {
            let given = outpaintCanvas?.image ?? request.initImage ?? source
            inpaint = try InpaintPlan(
                source: masking.method == .diffusers ? source : given, mask: outpaintCanvas?.mask ?? masking.mask, method: masking.method, width: width, height: height,
                latentFactor: factor)
        } else {
            inpaint = nil
        }

        var units: [PreparedControlUnit] = []
        for (index, unit) in request.controlUnits.enumerated() {
            units.append(try PreparedControlUnit(
                unit, index: index, width: width, height: height, latentFactor: factor, inpaint: inpaint))
        }
        controlUnits = units

        let tiling = model.vae.defaultTiling
        switch request.vaeTiling {
        case .always: vaeTiling = tiling
        case .never: vaeTiling = nil
        case .automatic: vaeTiling = max(width, height) > 2 * tiling.sampleTileSize ? tiling : nil
        }
    }
}

extension SchedulerKind {
    /// The sampler a diffusers `scheduler_config.json` names in `_class_name`, when Easel has it.
    init?(diffusersClassName name: String?) {
        switch name {
        case "DDIMScheduler": self = .ddim
        case "PNDMScheduler": self = .pndm
        case "EulerDiscreteScheduler": self = .euler
        case "EulerAncestralDiscreteScheduler": self = .eulerAncestral
        case "DPMSolverMultistepScheduler": self = .dpmSolverMultistep
        default: return nil
        }
    }
}
