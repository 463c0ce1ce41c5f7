import EaselTensor

/// diffusers' `EulerAncestralDiscreteScheduler` ("Euler a"), after `set_timesteps(N)`. It draws fresh noise
/// on every step, the last included, from the pipeline's random source.
///
/// diffusers 0.42.1 has no Karras option for this class (`use_karras_sigmas` passed to `from_config` is
/// ignored). Class default: `timestep_spacing` "linspace".
public struct EulerAncestralDiscreteScheduler: Scheduler {
    public let inferenceStepCount: Int
    public var timesteps: [Float] { schedule.timesteps }
    public let initNoiseSigma: Float
    public let order = 1
    public var sigmas: [Float] { schedule.sigmas }
    let schedule: SigmaSchedule
    var stepIndex = StepIndex()

    public init(config: SchedulerConfig, steps: Int) throws {
        try validateStepCount(steps, config)
        guard config.predictionType == "epsilon" else {
            throw SchedulerError.unsupported("prediction_type \"\(config.predictionType)\"")
        }
        let spacing = try TimestepSpacing(config.timestepSpacing, default: .linspace)
        schedule = try SigmaSchedule(config: config, steps: steps, spacing: spacing, karras: false)
        initNoiseSigma = schedule.initNoiseSigma(spacing: spacing)
        inferenceStepCount = steps
    }

    public mutating func setBeginIndex(_ index: Int) { stepIndex.begin = index }

    public func scaleModelInput(_ sample: Tensor, timestep: Float) -> Tensor {
        let sigma = schedule.sigmas[stepIndex.resolved(for: timestep, lookup: schedule.index(of:))]
        return sample / ScheduleMath.pow05(sigma * sigma + 1)
    }

    public mutating func step<R: RandomSource>(
        output: Tensor, timestep: Float, sample: Tensor, random: inout R
    ) -> Tensor {
        let index = stepIndex.resolved(for: timestep, lookup: schedule.index(of:))
        let sigma = schedule.sigmas[index]
        let predOriginal = sample - output * sigma
        let sigmaFrom = sigma
        let sigmaTo = schedule.sigmas[index + 1]
        // sigma_up = (sigma_to**2 * (sigma_from**2 - sigma_to**2) / sigma_from**2) ** 0.5
        let sigmaUp = ScheduleMath.pow05(
            sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom))
        let sigmaDown = ScheduleMath.pow05(sigmaTo * sigmaTo - sigmaUp * sigmaUp)
        let derivative = (sample - predOriginal) / sigma
        let dt = sigmaDown - sigma
        let moved = sample + derivative * dt
        let noise = random.normal(shape: output.shape)
        stepIndex.current = index + 1
        return moved + noise * sigmaUp
    }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) -> Tensor {
        let sigma = schedule.sigmas[stepIndex.forAddNoise(timestep, lookup: schedule.index(of:))]
        return original + noise * sigma
    }
}
