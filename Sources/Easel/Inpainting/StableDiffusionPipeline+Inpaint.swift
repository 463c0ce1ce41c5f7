import EaselDiffusion
import EaselImage
import EaselTensor

extension StableDiffusionPipeline {
    /// Inpainting and outpainting: diffusers' `StableDiffusionInpaintPipeline` (with units
    /// `StableDiffusionControlNetInpaintPipeline`) step for step, for a 9-channel inpainting UNet (mask and
    /// masked-image latents beside the latents) and a 4-channel one (after every step
    /// `latents = (1 - m) * add_noise(image_latents, noise, t_next) + m * latents`, the clean image latents
    /// after the last). Random draws in diffusers' order: the image encode (skipped with 9 channels at strength
    /// 1, which starts from pure noise), the noise, the masked-image encode (made for 4 channels too, as
    /// diffusers does), then the sampler's own. The A1111 method (`InpaintMethod.a1111`) changes what is noted
    /// there: the image is always encoded and noised to the first timestep, its masked content is applied to
    /// the image latents, the final latents are blended with them by A1111's latent mask, and the decoded
    /// image gets the original's unmasked pixels back.
    func runInpainting<R: RandomSource>(
        _ plan: GenerationPlan, inpaint: InpaintPlan, random: inout R, progress: (GenerationProgress) -> ProgressAction
    ) throws -> GenerationResult {
        let request = plan.request
        var (context, scheduler, latentShape) = try setUp(plan)
        // diffusers' inpaint pipelines call get_timesteps (and so set_begin_index) at every strength.
        let timesteps = try scheduler.startImageToImage(strength: request.strength).timesteps
        let latentChannels = model.vae.config.latentChannels
        let nineChannels = model.unet.config.inChannels == 2 * latentChannels + 1
        let preparation = inpaint.a1111
        let scalingFactor = model.vae.config.scalingFactor
        func encode(_ pixels: Tensor) throws -> Tensor {
            try scalingFactor * model.vae.encode(pixels, tiling: plan.vaeTiling).sample(using: &random)
        }

        let startsFromNoise = request.strength == 1 && preparation == nil
        var imageLatents: Tensor? = nil
        if !nineChannels || !startsFromNoise {
            imageLatents = try encode(inpaint.image)
        }
        if let preparation, var latents = imageLatents {
            // A1111's latent-side masked content, on the repainted latents (`m`, its latent mask), with noise
            // drawn from a fresh generator of the seed as A1111's `create_random_tensors`.
            let m = inpaint.blendMask
            switch preparation.options.maskedContent {
            case .latentNoise:
                var seedSource = request.randomSource.makeSource(seed: request.seed)
                latents = latents * (1 - m) + seedSource.normal(shape: latentShape) * m
            case .latentNothing:
                latents = latents * (1 - m)
            case .original, .fill:
                break
            }
            imageLatents = latents
        }
        let noise = random.normal(shape: latentShape)
        var latents: Tensor
        if let imageLatents, !startsFromNoise {
            latents = scheduler.addNoise(original: imageLatents, noise: noise, timestep: timesteps[0])
        } else {
            latents = noise * scheduler.initNoiseSigma
        }
        let maskedImageLatents = try encode(inpaint.maskedImage)

        let inpaintChannels = nineChannels ? concat([inpaint.conditioningMask, maskedImageLatents], axis: 1) : nil
        let denoiser = try makeDenoiser(plan, context: context, latents: latents, inpaintChannels: inpaintChannels)

        let m = inpaint.blendMask
        latents = try DenoisingLoop.run(
            latents: latents, timesteps: timesteps, scheduler: &scheduler, denoiser: denoiser, random: &random,
            progress: progress
        ) { index, latents, scheduler in
            // 4 channels: after every step, the unmasked area goes back to the image noised to the next level.
            guard !nineChannels, let imageLatents else { return }
            let proper = index < timesteps.count - 1
                ? scheduler.addNoise(original: imageLatents, noise: noise, timestep: timesteps[index + 1])
                : imageLatents
            latents = (1 - m) * proper + m * latents
        }
        // A1111 blends every model's samples with the image latents once more (`samples * nmask + init_latent *
        // mask`); for 4 channels the last step above already did.
        if preparation != nil, nineChannels, let imageLatents {
            latents = latents * m + imageLatents * (1 - m)
        }

        return try result(plan, latents: latents) { image in
            if let overlay = inpaint.originalSizeOverlay {
                return try overlay.applied(to: image.resized(
                    width: overlay.rgba.width, height: overlay.rgba.height, resampler: .pillow(.lanczos)))
            }
            return try preparation?.finished(image) ?? image
        }
    }
}
