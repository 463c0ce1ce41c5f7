/// The timesteps and sigmas of diffusers' k-diffusion-style schedulers (Euler, Euler a), and the step-index
/// bookkeeping they share.
struct SigmaSchedule: Sendable {
    /// float32, as diffusers keeps them.
    var timesteps: [Float]
    /// N + 1 float32 sigmas, the last one 0.
    var sigmas: [Float]

    /// `EulerDiscreteScheduler.set_timesteps(N)` (linear interpolation): float32 timesteps by the spacing, sigmas
    /// `np.interp(timesteps, arange(1000), sigma_table)` in float64, optionally replaced by Karras sigmas (and
    /// the timesteps by `_sigma_to_t` of them), then a final 0 and a cast to float32.
    init(config: SchedulerConfig, steps: Int, spacing: TimestepSpacing, karras: Bool) throws {
        let n = config.numTrainTimesteps
        let timestepValues: [Float]
        switch spacing {
        case .linspace:
            // np.linspace(0, n - 1, N, dtype=np.float32)[::-1]: computed in float64, cast.
            timestepValues = ScheduleMath.numpyLinspace(0, Double(n - 1), count: steps).reversed().map { Float($0) }
        case .leading:
            let ratio = n / steps
            timestepValues = (0..<steps).reversed().map { Float($0 * ratio) + Float(config.stepsOffset) }
        case .trailing:
            let ratio = Double(n) / Double(steps)
            timestepValues = ScheduleMath.numpyDescendingRange(from: Double(n), step: ratio)
                .map { Float(ScheduleMath.round($0)) - 1 }
        }
        let table = try NoiseSchedule(config: config).sigmas
        let tableDouble = table.map { Double($0) }
        var sigmas64 = timestepValues.map { ScheduleMath.numpyInterp(Double($0), table: tableDouble) }
        var times = timestepValues
        if karras {
            let logSigmas = table.map { ScheduleMath.numpyLog($0) }
            sigmas64 = KarrasSigmas.sigmas(sigmaMin: sigmas64[sigmas64.count - 1], sigmaMax: sigmas64[0], count: steps)
            times = sigmas64.map { Float(KarrasSigmas.timestep(for: $0, logSigmas: logSigmas)) }
        }
        timesteps = times
        sigmas = sigmas64.map { Float($0) } + [0]
    }

    /// `init_noise_sigma`: the largest sigma under "linspace"/"trailing", `(max^2 + 1) ** 0.5` under "leading".
    func initNoiseSigma(spacing: TimestepSpacing) -> Float {
        let maxSigma = sigmas.max() ?? 0
        return spacing == .leading ? ScheduleMath.pow05(maxSigma * maxSigma + 1) : maxSigma
    }

    /// `index_for_timestep(t)`: the position of `t` in the schedule, the second one if it occurs twice (so that
    /// img2img, starting mid-schedule, does not skip a sigma). diffusers raises for a timestep that is not in
    /// the schedule; here the nearest one is taken.
    func index(of timestep: Float) -> Int {
        let matches = timesteps.indices.filter { timesteps[$0] == timestep }
        if matches.count > 1 { return matches[1] }
        if let only = matches.first { return only }
        return timesteps.indices.min { abs(timesteps[$0] - timestep) < abs(timesteps[$1] - timestep) } ?? 0
    }
}

/// `_step_index` / `_begin_index` of diffusers' Euler and DPM-Solver schedulers.
struct StepIndex: Sendable {
    var current: Int?
    var begin: Int?

    /// `_init_step_index(t)` when no step has run yet: the begin index if set, else `lookup(t)`.
    func resolved(for timestep: Float, lookup: (Float) -> Int) -> Int {
        current ?? begin ?? lookup(timestep)
    }

    /// The index `add_noise` uses: `index_for_timestep(t)` without a begin index, the current step index once
    /// steps have run (inpainting), else the begin index (img2img).
    func forAddNoise(_ timestep: Float, lookup: (Float) -> Int) -> Int {
        guard let begin else { return lookup(timestep) }
        return current ?? begin
    }
}
