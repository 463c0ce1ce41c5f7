import EaselDiffusion
import EaselTensor

/// The loop every generation runs, text-to-image, image-to-image and inpainting alike (diffusers'
/// `for i, t in enumerate(timesteps)`): scale the latents for the timestep, predict the noise (with guidance and
/// control), step the scheduler, and report progress before the first step and after each one, stopping with
/// `GenerationError.cancelled` when the callback asks to.
enum DenoisingLoop {
    /// - Parameter afterStep: runs after each scheduler step with its index and the scheduler (for `addNoise`),
    ///   before progress is reported (the 4-channel inpainting blend).
    static func run<R: RandomSource>(
        latents start: Tensor, timesteps: [Float], scheduler: inout any Scheduler, denoiser: GuidedDenoiser,
        random: inout R, progress: (GenerationProgress) -> ProgressAction,
        afterStep: (_ index: Int, _ latents: inout Tensor, _ scheduler: any Scheduler) -> Void = { _, _, _ in }
    ) throws -> Tensor {
        let clock = ContinuousClock()
        let started = clock.now
        func report(_ step: Int) throws {
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if progress(GenerationProgress(step: step, totalSteps: timesteps.count, elapsedSeconds: seconds)) == .cancel {
                throw GenerationError.cancelled
            }
        }
        var latents = start
        try report(0)
        for (index, timestep) in timesteps.enumerated() {
            let noisePrediction = try denoiser.predictNoise(
                scheduler.scaleModelInput(latents, timestep: timestep), timestep: timestep, step: index,
                of: timesteps.count)
            latents = scheduler.step(output: noisePrediction, timestep: timestep, sample: latents, random: &random)
            afterStep(index, &latents, scheduler)
            try report(index + 1)
        }
        return latents
    }
}
