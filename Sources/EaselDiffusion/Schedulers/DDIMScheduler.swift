import EaselTensor

/// diffusers' `DDIMScheduler` with eta 0 (deterministic), after `set_timesteps(N)`.
///
/// Class defaults used when the config lacks the key: `timestep_spacing` "leading", `set_alpha_to_one` true,
/// `clip_sample` true (the SD 1.5 config sets the latter two to false).
public struct DDIMScheduler: Scheduler {
    public let inferenceStepCount: Int
    public let timesteps: [Float]
    public let initNoiseSigma: Float = 1
    public let order = 1
    let alphasCumprod: [Float]
    /// `final_alpha_cumprod`: 1 with set_alpha_to_one, else alphas_cumprod[0].
    let finalAlphaCumprod: Float
    let trainTimesteps: Int
    let clipRange: Float?

    public init(config: SchedulerConfig, steps: Int) throws {
        try validateStepCount(steps, config)
        guard config.predictionType == "epsilon" else {
            throw SchedulerError.unsupported("prediction_type \"\(config.predictionType)\"")
        }
        let schedule = try NoiseSchedule(config: config)
        alphasCumprod = schedule.alphasCumprod
        finalAlphaCumprod = (config.setAlphaToOne ?? true) ? 1 : schedule.alphasCumprod[0]
        trainTimesteps = config.numTrainTimesteps
        clipRange = (config.clipSample ?? true) ? Float(config.clipSampleRange) : nil
        inferenceStepCount = steps
        let n = config.numTrainTimesteps
        switch try TimestepSpacing(config.timestepSpacing, default: .leading) {
        case .linspace:
            timesteps = ScheduleMath.numpyLinspace(0, Double(n - 1), count: steps)
                .map { Float(ScheduleMath.round($0)) }.reversed()
        case .leading:
            let ratio = n / steps
            timesteps = (0..<steps).reversed().map { Float($0 * ratio + config.stepsOffset) }
        case .trailing:
            let ratio = Double(n) / Double(steps)
            timesteps = ScheduleMath.numpyDescendingRange(from: Double(n), step: ratio)
                .map { Float(ScheduleMath.round($0) - 1) }
        }
    }

    public mutating func setBeginIndex(_ index: Int) {}

    public func scaleModelInput(_ sample: Tensor, timestep: Float) -> Tensor { sample }

    public mutating func step<R: RandomSource>(
        output: Tensor, timestep: Float, sample: Tensor, random: inout R
    ) -> Tensor {
        let t = Int(timestep)
        let prevT = t - trainTimesteps / inferenceStepCount
        let alphaProdT = alphasCumprod[t]
        let alphaProdTPrev = prevT >= 0 ? alphasCumprod[prevT] : finalAlphaCumprod
        let betaProdT = 1 - alphaProdT
        // pred_original_sample = (sample - beta_prod_t ** 0.5 * model_output) / alpha_prod_t ** 0.5
        var predOriginal = (sample - output * ScheduleMath.pow05(betaProdT)) / ScheduleMath.pow05(alphaProdT)
        if let range = clipRange {
            predOriginal = Tensor(shape: predOriginal.shape, scalars: predOriginal.scalars.map {
                Swift.min(Swift.max($0, -range), range)
            })
        }
        // eta = 0: std_dev_t is 0, so the direction is (1 - alpha_prod_t_prev) ** 0.5 * model_output.
        let direction = output * ScheduleMath.pow05(1 - alphaProdTPrev - 0)
        return predOriginal * ScheduleMath.pow05(alphaProdTPrev) + direction
    }

    /// `DDPMScheduler.add_noise`: `alphas_cumprod[t] ** 0.5 * x + (1 - alphas_cumprod[t]) ** 0.5 * noise`.
    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) -> Tensor {
        alphaProductNoise(alphasCumprod[Int(timestep)], original: original, noise: noise)
    }
}

/// The add_noise of DDPM-style schedulers (DDIM, PNDM).
func alphaProductNoise(_ alphaProduct: Float, original: Tensor, noise: Tensor) -> Tensor {
    original * ScheduleMath.pow05(alphaProduct) + noise * ScheduleMath.pow05(1 - alphaProduct)
}
