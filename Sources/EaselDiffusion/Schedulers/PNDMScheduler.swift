import EaselTensor

/// diffusers' `PNDMScheduler` in PLMS mode (`skip_prk_steps` true, as in the SD 1.x config), after
/// `set_timesteps(N)`.
///
/// The schedule has N + 1 entries: the second timestep repeats (the first PLMS step is a Heun-like
/// two-evaluation step), so a full run calls the model N + 1 times. Class defaults: `timestep_spacing`
/// "leading", `set_alpha_to_one` false, `skip_prk_steps` false (the Runge-Kutta warm-up, not supported here).
public struct PNDMScheduler: Scheduler {
    public let inferenceStepCount: Int
    public let timesteps: [Float]
    public let initNoiseSigma: Float = 1
    public let order = 1
    let alphasCumprod: [Float]
    let finalAlphaCumprod: Float
    let trainTimesteps: Int
    // Running state of the linear multistep method.
    var ets: [Tensor] = []
    var counter = 0
    var currentSample: Tensor?

    public init(config: SchedulerConfig, steps: Int) throws {
        try validateStepCount(steps, config)
        guard config.predictionType == "epsilon" else {
            throw SchedulerError.unsupported("prediction_type \"\(config.predictionType)\"")
        }
        guard config.skipPrkSteps ?? false else {
            throw SchedulerError.unsupported("PNDM with skip_prk_steps false (Runge-Kutta warm-up)")
        }
        let schedule = try NoiseSchedule(config: config)
        alphasCumprod = schedule.alphasCumprod
        finalAlphaCumprod = (config.setAlphaToOne ?? false) ? 1 : schedule.alphasCumprod[0]
        trainTimesteps = config.numTrainTimesteps
        inferenceStepCount = steps
        let n = config.numTrainTimesteps
        // `_timesteps`, ascending.
        let ascending: [Int]
        switch try TimestepSpacing(config.timestepSpacing, default: .leading) {
        case .linspace:
            ascending = ScheduleMath.numpyLinspace(0, Double(n - 1), count: steps).map { Int(ScheduleMath.round($0)) }
        case .leading:
            let ratio = n / steps
            ascending = (0..<steps).map { $0 * ratio + config.stepsOffset }
        case .trailing:
            let ratio = Double(n) / Double(steps)
            ascending = ScheduleMath.numpyDescendingRange(from: Double(n), step: ratio).reversed()
                .map { Int(ScheduleMath.round($0)) - 1 }
        }
        // plms_timesteps = concat([_t[:-1], _t[-2:-1], _t[-1:]])[::-1]: the second-to-last value doubled.
        var plms = Array(ascending.dropLast())
        if ascending.count >= 2 { plms.append(ascending[ascending.count - 2]) }
        plms.append(ascending[ascending.count - 1])
        timesteps = plms.reversed().map { Float($0) }
    }

    public mutating func setBeginIndex(_ index: Int) {}

    public func scaleModelInput(_ sample: Tensor, timestep: Float) -> Tensor { sample }

    /// `step_plms`.
    public mutating func step<R: RandomSource>(
        output: Tensor, timestep: Float, sample: Tensor, random: inout R
    ) -> Tensor {
        let ratio = trainTimesteps / inferenceStepCount
        var t = Int(timestep)
        var prevT = t - ratio
        if counter != 1 {
            ets = Array(ets.suffix(3))
            ets.append(output)
        } else {
            prevT = t
            t += ratio
        }
        var sample = sample
        let modelOutput: Tensor
        if ets.count == 1 && counter == 0 {
            modelOutput = output
            currentSample = sample
        } else if ets.count == 1 && counter == 1 {
            modelOutput = (output + ets[0]) / 2
            sample = currentSample ?? sample
            currentSample = nil
        } else if ets.count == 2 {
            modelOutput = (3 * ets[1] - ets[0]) / 2
        } else if ets.count == 3 {
            modelOutput = (23 * ets[2] - 16 * ets[1] + 5 * ets[0]) / 12
        } else {
            modelOutput = Float(1.0 / 24.0) * (55 * ets[3] - 59 * ets[2] + 37 * ets[1] - 9 * ets[0])
        }
        let prevSample = previousSample(sample, t: t, prevT: prevT, modelOutput: modelOutput)
        counter += 1
        return prevSample
    }

    /// `_get_prev_sample`: formula (9) of the PNDM paper.
    func previousSample(_ sample: Tensor, t: Int, prevT: Int, modelOutput: Tensor) -> Tensor {
        let alphaProdT = alphasCumprod[t]
        let alphaProdTPrev = prevT >= 0 ? alphasCumprod[prevT] : finalAlphaCumprod
        let betaProdT = 1 - alphaProdT
        let betaProdTPrev = 1 - alphaProdTPrev
        let sampleCoeff = ScheduleMath.pow05(alphaProdTPrev / alphaProdT)
        let denominator = alphaProdT * ScheduleMath.pow05(betaProdTPrev)
            + ScheduleMath.pow05(alphaProdT * betaProdT * alphaProdTPrev)
        return sample * sampleCoeff - modelOutput * (alphaProdTPrev - alphaProdT) / denominator
    }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) -> Tensor {
        alphaProductNoise(alphasCumprod[Int(timestep)], original: original, noise: noise)
    }
}
