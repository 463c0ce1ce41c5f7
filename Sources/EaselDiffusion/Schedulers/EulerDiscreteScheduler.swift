import EaselTensor

/// diffusers' `EulerDiscreteScheduler` ("Euler"; with `karras: true`, `use_karras_sigmas=True`), after
/// `set_timesteps(N)`. No churn (`s_churn` 0), so it draws no noise.
///
/// Class defaults: `timestep_spacing` "linspace", `interpolation_type` "linear", `final_sigmas_type` "zero".
public struct EulerDiscreteScheduler: Scheduler {
    public let inferenceStepCount: Int
    public var timesteps: [Float] { schedule.timesteps }
    public let initNoiseSigma: Float
    public let order = 1
    /// `scheduler.sigmas`: N + 1 values, the last 0.
    public var sigmas: [Float] { schedule.sigmas }
    let schedule: SigmaSchedule
    var stepIndex = StepIndex()

    public init(config: SchedulerConfig, steps: Int, karras: Bool = false) throws {
        try validateStepCount(steps, config)
        guard config.predictionType == "epsilon" else {
            throw SchedulerError.unsupported("prediction_type \"\(config.predictionType)\"")
        }
        let spacing = try TimestepSpacing(config.timestepSpacing, default: .linspace)
        schedule = try SigmaSchedule(config: config, steps: steps, spacing: spacing, karras: karras)
        initNoiseSigma = schedule.initNoiseSigma(spacing: spacing)
        inferenceStepCount = steps
    }

    public mutating func setBeginIndex(_ index: Int) { stepIndex.begin = index }

    /// `sample / (sigma ** 2 + 1) ** 0.5`.
    public func scaleModelInput(_ sample: Tensor, timestep: Float) -> Tensor {
        let sigma = schedule.sigmas[stepIndex.resolved(for: timestep, lookup: schedule.index(of:))]
        return sample / ScheduleMath.pow05(sigma * sigma + 1)
    }

    public mutating func step<R: RandomSource>(
        output: Tensor, timestep: Float, sample: Tensor, random: inout R
    ) -> Tensor {
        let index = stepIndex.resolved(for: timestep, lookup: schedule.index(of:))
        let sigma = schedule.sigmas[index]
        let sigmaHat = sigma * (0 + 1)  // gamma = 0 without churn
        let predOriginal = sample - output * sigmaHat
        let derivative = (sample - predOriginal) / sigmaHat
        let dt = schedule.sigmas[index + 1] - sigmaHat
        stepIndex.current = index + 1
        return sample + derivative * dt
    }

    /// `original + noise * sigma` at the step index (see `StepIndex.forAddNoise`).
    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) -> Tensor {
        let sigma = schedule.sigmas[stepIndex.forAddNoise(timestep, lookup: schedule.index(of:))]
        return original + noise * sigma
    }
}
