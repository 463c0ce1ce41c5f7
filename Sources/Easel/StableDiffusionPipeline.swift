import EaselDiffusion
import EaselImage
import EaselTensor
import Foundation

/// Text-to-image and image-to-image on one loaded model, with any number of ControlNet units: diffusers'
/// `StableDiffusionPipeline` and `StableDiffusionImg2ImgPipeline` (with units, `StableDiffusionControlNetPipeline`
/// and `StableDiffusionControlNetImg2ImgPipeline`), step for step and in the same order of random draws, so that with `.cpu`
/// random numbers and `.plain` prompts the image equals diffusers' for the same settings.
///
/// Text-to-image: latents = `randn * init_noise_sigma`, then the denoising loop, then the VAE decode.
/// Image-to-image: the init image is VAE-encoded (drawing the latent sample), scaled by `scaling_factor`, noised
/// to the level of the first timestep `strength` keeps (drawing the noise), and only that tail of the schedule runs.
public struct StableDiffusionPipeline: Sendable {
    public let model: StableDiffusionModel

    /// - Parameter reuseFreedMemory: apply `LargeAllocations.reuseFreedMemory()` (process-wide; it makes each
    ///   network pass avoid the kernel's page zeroing, 10-20% of a step); pass false to leave the allocator alone.
    public init(model: StableDiffusionModel, reuseFreedMemory: Bool = true) {
        self.model = model
        if reuseFreedMemory { LargeAllocations.reuseFreedMemory() }
    }

    /// Runs `request`. `progress` is called before the first step and after each one; answering `.cancel`
    /// stops the run with `GenerationError.cancelled`.
    public func generate(
        _ request: GenerationRequest, progress: (GenerationProgress) -> ProgressAction = { _ in .proceed }
    ) throws -> GenerationResult {
        let plan = try GenerationPlan(request: request, model: model)
        switch request.randomSource {
        case .cpu:
            var random = TorchCPUGenerator(seed: request.seed)
            return try execute(plan, random: &random, progress: progress)
        case .cuda:
            var random = PhiloxGenerator(seed: request.seed)
            return try execute(plan, random: &random, progress: progress)
        }
    }

    private func execute<R: RandomSource>(
        _ plan: GenerationPlan, random: inout R, progress: (GenerationProgress) -> ProgressAction
    ) throws -> GenerationResult {
        if let inpaint = plan.inpaint {
            return try runInpainting(plan, inpaint: inpaint, random: &random, progress: progress)
        }
        return try run(plan, random: &random, progress: progress)
    }

    /// What every generation starts with: the prompt embeddings (`[negative; positive]` with guidance), the
    /// scheduler after `set_timesteps`, and the latents' shape.
    func setUp(_ plan: GenerationPlan) throws -> (context: Tensor, scheduler: any Scheduler, latentShape: [Int]) {
        let embeddings = try PromptEncoder(tokenizer: model.tokenizer, textModel: model.textEncoder).encode(
            prompt: plan.request.prompt, negativePrompt: plan.request.negativePrompt,
            syntax: plan.request.promptSyntax, clipSkip: plan.request.clipSkip - 1)
        let context = plan.usesGuidance ? concat([embeddings.negative, embeddings.positive], axis: 0) : embeddings.positive
        let scheduler = try plan.sampler.make(
            config: model.schedulerConfig, steps: plan.request.steps, karras: plan.request.karras)
        let factor = model.vae.downscaleFactor
        return (context, scheduler, [1, model.vae.config.latentChannels, plan.height / factor, plan.width / factor])
    }

    /// The denoiser for `latents`, after checking that the UNet (with `inpaintChannels` beside the latents), the
    /// text encoder and the control units belong together: a mismatch fails here, cleanly, not inside the loop.
    func makeDenoiser(
        _ plan: GenerationPlan, context: Tensor, latents: Tensor, inpaintChannels: Tensor? = nil
    ) throws -> GuidedDenoiser {
        let unetInput = inpaintChannels.map { concat([latents, $0], axis: 1) } ?? latents
        try model.unet.checkInputs(
            concat(Array(repeating: unetInput, count: context.shape[0]), axis: 0), encoderHiddenStates: context)
        var denoiser = GuidedDenoiser(
            unet: model.unet, context: context,
            positiveContext: plan.usesGuidance ? chunk(context, count: 2, axis: 0)[1] : context,
            guidanceScale: plan.usesGuidance ? plan.request.guidanceScale : nil, control: plan.controlUnits)
        denoiser.inpaintChannels = inpaintChannels
        try denoiser.checkControlInputs(latents)
        return denoiser
    }

    /// The decoded image of the final `latents` (diffusers' `vae.decode(latents / scaling_factor)`), after
    /// `finishing` (inpainting's paste-back), with the request's infotext and the control maps.
    func result(
        _ plan: GenerationPlan, latents: Tensor, finishing: (Image) throws -> Image = { $0 }
    ) throws -> GenerationResult {
        let decoded = try model.vae.decode(latents / model.vae.config.scalingFactor, tiling: plan.vaeTiling)
        let image = try Image(
            planarFloats: decoded.scalars, width: plan.width, height: plan.height, layout: .rgb, range: .minusOneToOne)
        return GenerationResult(
            image: try finishing(image), latents: latents,
            parameters: GenerationParameters(request: plan.request, plan: plan, modelName: model.name),
            controlMaps: plan.controlUnits.map(\.conditionImage))
    }

    private func run<R: RandomSource>(
        _ plan: GenerationPlan, random: inout R, progress: (GenerationProgress) -> ProgressAction
    ) throws -> GenerationResult {
        let request = plan.request
        var (context, scheduler, latentShape) = try setUp(plan)
        var latents: Tensor
        var timesteps = scheduler.timesteps
        if let initImage = plan.initImage {
            let pixels = Tensor(
                shape: [1, 3, plan.height, plan.width], scalars: initImage.planarFloats(range: .minusOneToOne))
            let imageLatents = try model.vae.config.scalingFactor
                * model.vae.encode(pixels, tiling: plan.vaeTiling).sample(using: &random)
            let start = try scheduler.startImageToImage(strength: request.strength)
            timesteps = start.timesteps
            let noise = random.normal(shape: imageLatents.shape)
            latents = scheduler.addNoise(original: imageLatents, noise: noise, timestep: timesteps[0])
        } else {
            latents = random.normal(shape: latentShape) * scheduler.initNoiseSigma
        }

        latents = try DenoisingLoop.run(
            latents: latents, timesteps: timesteps, scheduler: &scheduler,
            denoiser: makeDenoiser(plan, context: context, latents: latents), random: &random, progress: progress)
        return try result(plan, latents: latents)
    }
}

/// A denoising step's model call with classifier-free guidance: the UNet on `[uncond, cond]` as one batch of 2,
/// then `uncond + scale * (cond - uncond)` (diffusers' order of float32 operations), or one plain call when
/// guidance is off (`guidance_scale <= 1`).
struct GuidedDenoiser {
    let unet: UNet2DConditionModel
    /// `[negative; positive]` (batch 2) with guidance, `positive` (batch 1) without.
    let context: Tensor
    /// The positive embeddings alone (the units that control the conditional half only).
    let positiveContext: Tensor
    /// nil: no guidance.
    let guidanceScale: Float?
    /// The request's ControlNet units (`ControlResiduals.swift`); none: the plain UNet.
    var control: [PreparedControlUnit] = []
    /// A 9-channel inpainting UNet's extra input, `cat([mask, masked_image_latents], dim=1)` (`[1, 5, h, w]`),
    /// appended to the scaled latents of each half (diffusers' `torch.cat([latent_model_input, mask,
    /// masked_image_latents], dim=1)`); the control units still see the 4-channel latents. nil: none.
    var inpaintChannels: Tensor?

    /// The guided noise prediction for step `step` of `count` (which decides the control units that act).
    func predictNoise(_ scaledLatents: Tensor, timestep: Float, step: Int, of count: Int) throws -> Tensor {
        let residuals = try controlResiduals(scaledLatents, timestep: timestep, step: step, of: count)
        let unetLatents = inpaintChannels.map { concat([scaledLatents, $0], axis: 1) } ?? scaledLatents
        guard let guidanceScale else {
            return unet(unetLatents, timestep: timestep, encoderHiddenStates: context, controlResiduals: residuals)
        }
        let batch = concat([unetLatents, unetLatents], axis: 0)
        let prediction = unet(batch, timestep: timestep, encoderHiddenStates: context, controlResiduals: residuals)
        let halves = chunk(prediction, count: 2, axis: 0)
        return halves[0] + guidanceScale * (halves[1] - halves[0])
    }
}
