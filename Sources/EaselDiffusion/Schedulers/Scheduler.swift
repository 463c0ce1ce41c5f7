import EaselTensor

/// A diffusers noise scheduler after `set_timesteps(N)`: the schedule and the update a pipeline runs on each
/// timestep, like Apple's ml-stable-diffusion `Scheduler`.
///
/// The denoising loop is diffusers' own:
/// ```
/// var latents = noise * scheduler.initNoiseSigma          // text-to-image
/// for t in scheduler.timesteps {
///     let eps = unet(scheduler.scaleModelInput(latents, timestep: t), t)
///     latents = scheduler.step(output: eps, timestep: t, sample: latents, random: &random)
/// }
/// ```
/// Image-to-image starts part-way: `let start = scheduler.startImageToImage(strength:)`, then
/// `latents = scheduler.addNoise(original: imageLatents, noise: noise, timestep: start.timesteps[0])` (no
/// `initNoiseSigma`) and the loop runs over `start.timesteps`.
public protocol Scheduler {
    /// The N given to `set_timesteps` (the pipeline's `num_inference_steps`).
    var inferenceStepCount: Int { get }
    /// `scheduler.timesteps`: the model's timestep for each call, in order. Integer-valued for DDIM, PNDM and
    /// DPM-Solver (int64 in diffusers), fractional for Euler with Karras sigmas (float32 in diffusers).
    var timesteps: [Float] { get }
    /// `scheduler.init_noise_sigma`: text-to-image latents are `randn * initNoiseSigma`.
    var initNoiseSigma: Float { get }
    /// `scheduler.order` (1 for every scheduler here); img2img skips `t_start * order` timesteps.
    var order: Int { get }
    /// `set_begin_index(i)`: the index of the first timestep the loop will run (img2img). A no-op for schedulers
    /// that have no such method in diffusers (DDIM, PNDM).
    mutating func setBeginIndex(_ index: Int)
    /// `scale_model_input(sample, t)`: the UNet input for this timestep.
    func scaleModelInput(_ sample: Tensor, timestep: Float) -> Tensor
    /// `step(model_output, t, sample).prev_sample`; draws from `random` when the sampler is ancestral.
    mutating func step<R: RandomSource>(output: Tensor, timestep: Float, sample: Tensor, random: inout R) -> Tensor
    /// `add_noise(original, noise, t)`: `original` noised to the level of timestep `t`.
    func addNoise(original: Tensor, noise: Tensor, timestep: Float) -> Tensor
}

/// Where image-to-image starts in a schedule: `StableDiffusionImg2ImgPipeline.get_timesteps`.
public struct ImageToImageStart: Equatable, Sendable {
    /// The tail of `timesteps` the loop runs; `timesteps[0]` is the level `addNoise` noises the image to.
    public var timesteps: [Float]
    /// `t_start`: the number of schedule steps skipped.
    public var skippedSteps: Int
    /// `num_inference_steps - t_start`.
    public var stepCount: Int
}

extension Scheduler {
    /// `get_timesteps(N, strength)`: `init_timestep = min(int(N * strength), N)`, `t_start = N - init_timestep`,
    /// the loop runs `timesteps[t_start * order:]` and the scheduler's begin index is set there.
    public mutating func startImageToImage(strength: Double) throws -> ImageToImageStart {
        guard strength >= 0, strength <= 1 else { throw SchedulerError.invalidStrength(strength) }
        let n = inferenceStepCount
        let initTimestep = Swift.min(Int(Double(n) * strength), n)
        let tStart = Swift.max(n - initTimestep, 0)
        let first = Swift.min(tStart * order, timesteps.count)
        setBeginIndex(tStart * order)
        return ImageToImageStart(timesteps: Array(timesteps[first...]), skippedSteps: tStart, stepCount: n - tStart)
    }

    /// `step` for schedulers that draw no noise (all but Euler a).
    public mutating func step(output: Tensor, timestep: Float, sample: Tensor) -> Tensor {
        var none = NoRandomSource()
        return step(output: output, timestep: timestep, sample: sample, random: &none)
    }
}

/// A random source for deterministic samplers; asked for noise, it gives zeros (never asked by them).
public struct NoRandomSource: RandomSource {
    public init() {}
    public mutating func normal(shape: [Int]) -> Tensor { Tensor(zeros: shape) }
}
