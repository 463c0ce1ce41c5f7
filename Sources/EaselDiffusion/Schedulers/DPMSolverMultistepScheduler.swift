import EaselTensor

/// diffusers' `DPMSolverMultistepScheduler` with its defaults: DPM-Solver++ (`algorithm_type` "dpmsolver++"),
/// `solver_order` 2, `solver_type` "midpoint", `lower_order_final` true, `euler_at_final` false,
/// `final_sigmas_type` "zero", `timestep_spacing` "linspace" — "DPM++ 2M", and with `karras: true`
/// (`use_karras_sigmas=True`) "DPM++ 2M Karras".
public struct DPMSolverMultistepScheduler: Scheduler {
    public let inferenceStepCount: Int
    /// Integers (int64 in diffusers); under Karras the rounded `_sigma_to_t` of each sigma, which can repeat.
    public let timesteps: [Float]
    public let initNoiseSigma: Float = 1
    public let order = 1
    /// `scheduler.sigmas`: one per timestep and a final 0.
    public let sigmas: [Float]
    let solverOrder: Int
    var stepIndex = StepIndex()
    /// The last `solverOrder` converted model outputs (x0 predictions), oldest first.
    var modelOutputs: [Tensor?]
    var lowerOrderCount = 0

    public init(
        config: SchedulerConfig, steps: Int, karras: Bool = false, solverOrder: Int = 2
    ) throws {
        try validateStepCount(steps, config)
        guard config.predictionType == "epsilon" else {
            throw SchedulerError.unsupported("prediction_type \"\(config.predictionType)\"")
        }
        guard solverOrder == 1 || solverOrder == 2 else {
            throw SchedulerError.unsupported("DPM-Solver solver_order \(solverOrder)")
        }
        self.solverOrder = solverOrder
        modelOutputs = Array(repeating: nil, count: solverOrder)
        let n = config.numTrainTimesteps
        // lambda_min_clipped is -inf by default, so last_timestep is num_train_timesteps.
        let lastTimestep = n
        var times: [Double]
        switch try TimestepSpacing(config.timestepSpacing, default: .linspace) {
        case .linspace:
            // np.linspace(0, last - 1, N + 1).round()[::-1][:-1]
            times = Array(ScheduleMath.numpyLinspace(0, Double(lastTimestep - 1), count: steps + 1)
                .map(ScheduleMath.round).reversed().dropLast())
        case .leading:
            let ratio = lastTimestep / (steps + 1)
            times = (1...steps).reversed().map { Double($0 * ratio + config.stepsOffset) }
        case .trailing:
            let ratio = Double(n) / Double(steps)
            times = ScheduleMath.numpyDescendingRange(from: Double(lastTimestep), step: ratio)
                .map { ScheduleMath.round($0) - 1 }
        }
        let table = try NoiseSchedule(config: config).sigmas
        var sigmas64: [Double]
        if karras {
            guard config.betaSchedule != "squaredcos_cap_v2" else {
                // diffusers truncates these timesteps instead of rounding them; the first repeats and its
                // step index runs past the sigmas on the last step (IndexError).
                throw SchedulerError.unsupported("DPM-Solver Karras sigmas with the squaredcos_cap_v2 schedule")
            }
            let logSigmas = table.map { ScheduleMath.numpyLog($0) }
            sigmas64 = KarrasSigmas.sigmas(
                sigmaMin: Double(table[0]), sigmaMax: Double(table[table.count - 1]), count: steps)
            times = sigmas64.map { ScheduleMath.round(KarrasSigmas.timestep(for: $0, logSigmas: logSigmas)) }
        } else {
            let tableDouble = table.map { Double($0) }
            sigmas64 = times.map { ScheduleMath.numpyInterp($0, table: tableDouble) }
        }
        sigmas = sigmas64.map { Float($0) } + [0]
        timesteps = times.map { Float($0) }
        inferenceStepCount = steps
    }

    public mutating func setBeginIndex(_ index: Int) { stepIndex.begin = index }

    public func scaleModelInput(_ sample: Tensor, timestep: Float) -> Tensor { sample }

    /// `index_for_timestep`: the second match if the timestep repeats, the last index if it is absent.
    func index(of timestep: Float) -> Int {
        let matches = timesteps.indices.filter { timesteps[$0] == timestep }
        if matches.count > 1 { return matches[1] }
        return matches.first ?? (timesteps.count - 1)
    }

    /// `_sigma_to_alpha_sigma_t`: `alpha_t = 1 / (sigma**2 + 1) ** 0.5`, `sigma_t = sigma * alpha_t`.
    static func alphaSigma(_ sigma: Float) -> (alpha: Float, sigma: Float) {
        let alpha = 1 / ScheduleMath.pow05(sigma * sigma + 1)
        return (alpha, sigma * alpha)
    }

    /// `log(alpha_t) - log(sigma_t)`.
    static func lambda(_ alphaSigma: (alpha: Float, sigma: Float)) -> Float {
        ScheduleMath.log(alphaSigma.alpha) - ScheduleMath.log(alphaSigma.sigma)
    }

    public mutating func step<R: RandomSource>(
        output: Tensor, timestep: Float, sample: Tensor, random: inout R
    ) -> Tensor {
        let index = stepIndex.resolved(for: timestep, lookup: index(of:))
        // final_sigmas_type "zero" makes the last step first order whatever lower_order_final and
        // euler_at_final say; with order 2 at most, lower_order_second changes nothing.
        let lowerOrderFinalStep = index == timesteps.count - 1

        // convert_model_output: the data prediction x0 = (sample - sigma_t * eps) / alpha_t.
        let current = Self.alphaSigma(sigmas[index])
        let x0 = (sample - output * current.sigma) / current.alpha
        modelOutputs.removeFirst()
        modelOutputs.append(x0)

        let prevSample: Tensor
        if solverOrder == 1 || lowerOrderCount < 1 || lowerOrderFinalStep {
            prevSample = firstOrderUpdate(x0, index: index, sample: sample)
        } else {
            prevSample = secondOrderUpdate(index: index, sample: sample)
        }
        if lowerOrderCount < solverOrder { lowerOrderCount += 1 }
        stepIndex.current = index + 1
        return prevSample
    }

    /// `dpm_solver_first_order_update` (DPM-Solver++): `(sigma_t / sigma_s) * x - alpha_t * (exp(-h) - 1) * x0`.
    func firstOrderUpdate(_ x0: Tensor, index: Int, sample: Tensor) -> Tensor {
        let t = Self.alphaSigma(sigmas[index + 1])
        let s = Self.alphaSigma(sigmas[index])
        let h = Self.lambda(t) - Self.lambda(s)
        return sample * (t.sigma / s.sigma) - x0 * (t.alpha * (ScheduleMath.exp(-h) - 1.0))
    }

    /// `multistep_dpm_solver_second_order_update`, DPM-Solver++ midpoint.
    func secondOrderUpdate(index: Int, sample: Tensor) -> Tensor {
        guard let m0 = modelOutputs[solverOrder - 1], let m1 = modelOutputs[solverOrder - 2] else { return sample }
        let t = Self.alphaSigma(sigmas[index + 1])
        let s0 = Self.alphaSigma(sigmas[index])
        let s1 = Self.alphaSigma(sigmas[index - 1])
        let lambdaT = Self.lambda(t)
        let lambdaS0 = Self.lambda(s0)
        let lambdaS1 = Self.lambda(s1)
        let h = lambdaT - lambdaS0
        let h0 = lambdaS0 - lambdaS1
        let r0 = h0 / h
        // D1 = (1.0 / r0) * (m0 - m1); 1.0 / tensor is reciprocal(r0) * 1.0 in torch.
        let d1 = (m0 - m1) * ((1 / r0) * 1.0)
        let c = t.alpha * (ScheduleMath.exp(-h) - 1.0)
        return sample * (t.sigma / s0.sigma) - m0 * c - d1 * (0.5 * c)
    }

    /// `add_noise`: `alpha_t * x + sigma_t * noise` at the step index's sigma.
    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) -> Tensor {
        let (alpha, sigma) = Self.alphaSigma(sigmas[stepIndex.forAddNoise(timestep, lookup: index(of:))])
        return original * alpha + noise * sigma
    }
}
