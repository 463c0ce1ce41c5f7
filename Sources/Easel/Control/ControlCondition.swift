import AnnotatorCore
import EaselDiffusion
import EaselImage
import EaselTensor

/// A unit ready for the denoising loop: its condition image as the tensor the net reads, its per-residual
/// factors, which halves of a guided batch it controls, and the steps it acts on.
struct PreparedControlUnit {
    let net: ControlNetModel
    /// The condition map at the output size, RGB.
    let conditionImage: Image
    /// `[1, 3, H, W]` in [0, 1], not normalised: diffusers' `prepare_image` (`pil_to_numpy` then `/ 255`).
    let condition: Tensor
    /// `condition` twice, for a guided batch `[uncond, cond]` (diffusers' `torch.cat([image] * 2)`), made once.
    let doubledCondition: Tensor
    /// One factor per residual (down residuals, then mid).
    let scales: [Float]
    /// Run on the conditional half of a guided batch only, the unconditional half getting zero residuals.
    let conditionalOnly: Bool
    let guidanceStart: Double
    let guidanceEnd: Double

    /// Checks `unit` and makes its condition map for a `width` x `height` output with latents `factor` times
    /// smaller. Refuses settings no run could use, naming the unit.
    init(_ unit: ControlUnit, index: Int, width: Int, height: Int, latentFactor factor: Int,
         inpaint: InpaintPlan? = nil) throws {
        func refuse(_ message: String) -> GenerationError {
            .invalidRequest("control unit \(index) (\(unit.controlNet.name)): \(message)")
        }
        guard unit.weight.isFinite else { throw refuse("the weight must be a finite number, got \(unit.weight)") }
        guard unit.guidanceStart >= 0, unit.guidanceEnd <= 1, unit.guidanceStart <= unit.guidanceEnd else {
            throw refuse(
                "guidance start and end must satisfy 0 <= start <= end <= 1, got \(unit.guidanceStart) and \(unit.guidanceEnd)")
        }
        if let resolution = unit.preprocessorResolution, resolution <= 0 || resolution > 8192 {
            throw refuse("the preprocessor resolution must be between 1 and 8192, got \(resolution)")
        }
        net = unit.controlNet.model
        guard net.config.conditioningChannels == 3 else {
            throw GenerationError.unsupported(
                "control unit \(index) (\(unit.controlNet.name)) takes \(net.config.conditioningChannels)-channel conditions; Easel prepares RGB images (3)")
        }
        guard net.config.conditioningDownsamplingFactor == factor else {
            throw GenerationError.unsupported(
                "control unit \(index) (\(unit.controlNet.name)) reads conditions \(net.config.conditioningDownsamplingFactor) times the latents' size; this model's images are \(factor) times")
        }

        if unit.usesInpaintCondition {
            guard let inpaint else {
                throw refuse("the inpaint condition needs an inpainting or outpainting request (an init image and a mask)")
            }
            (condition, conditionImage) = try inpaint.controlCondition()
        } else {
            (conditionImage, condition) = try Self.conditionMap(unit, width: width, height: height)
        }

        doubledCondition = concat([condition, condition], axis: 0)

        switch unit.controlMode {
        case .balanced: scales = net.residualScales(conditioningScale: unit.weight)
        case .guess: scales = net.residualScales(conditioningScale: unit.weight, guessMode: true)
        case .promptMoreImportant, .controlNetMoreImportant:
            scales = ControlNetResidualScales.softInjection(weight: unit.weight, count: net.residualCount)
        }
        // A pooled net (shuffle) is conditional-only in both references: diffusers turns guess mode on for it,
        // the A1111 extension masks it like cfg_injection.
        conditionalOnly = unit.controlMode == .guess || unit.controlMode == .controlNetMoreImportant
            || net.config.globalPoolConditions
        guidanceStart = unit.guidanceStart
        guidanceEnd = unit.guidanceEnd
    }

    /// The unit's condition map at the output size: the preprocessor's map (or the image), RGB, fitted by the
    /// resize mode; and that map as the `[1, 3, H, W]` tensor in [0, 1] the net reads.
    static func conditionMap(_ unit: ControlUnit, width: Int, height: Int) throws -> (Image, Tensor) {
        var map = unit.image
        if let preprocessor = unit.preprocessor {
            map = try preprocessor.annotate(
                map, options: AnnotationOptions(detectResolution: unit.detectResolution(width: width, height: height)))
        }
        // diffusers' `convert("RGB")`: gray replicated, alpha dropped.
        map = map.droppingAlpha()
        if map.width != width || map.height != height {
            map = try map.resized(width: width, height: height, mode: unit.resizeMode, resampler: .pillow(.lanczos))
        }
        return (map, Tensor(shape: [1, 3, height, width], scalars: map.planarFloats(range: .zeroToOne)))
    }

    /// diffusers' `controlnet_keep`: off on step i of `count` when `i / count < start` or `(i + 1) / count > end`.
    func isActive(step: Int, of count: Int) -> Bool {
        !(Double(step) / Double(count) < guidanceStart || Double(step + 1) / Double(count) > guidanceEnd)
    }
}
