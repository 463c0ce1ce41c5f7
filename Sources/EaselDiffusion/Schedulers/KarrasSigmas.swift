import Foundation

/// The Karras et al. (2022) sigma schedule and the sigma-to-timestep map of diffusers' k-diffusion schedulers.
enum KarrasSigmas {
    /// `_convert_to_karras(in_sigmas, N)` in float64: `(max^(1/7) + ramp * (min^(1/7) - max^(1/7)))^7`,
    /// ramp = `np.linspace(0, 1, N)`, sigma_min/max the last/first of the input sigmas.
    static func sigmas(sigmaMin: Double, sigmaMax: Double, count: Int) -> [Double] {
        let rho = 7.0
        let ramp = ScheduleMath.numpyLinspace(0, 1, count: count)
        let minInvRho = Foundation.pow(sigmaMin, 1 / rho)
        let maxInvRho = Foundation.pow(sigmaMax, 1 / rho)
        return ramp.map { Foundation.pow(maxInvRho + $0 * (minInvRho - maxInvRho), rho) }
    }

    /// `_sigma_to_t(sigma, log_sigmas)`: the fractional training timestep whose sigma is `sigma`, by linear
    /// interpolation in log sigma. `logSigmas` is `np.log` of the float32 sigma table (float32 values); the
    /// arithmetic is float64.
    static func timestep(for sigma: Double, logSigmas: [Float]) -> Double {
        let logSigma = Foundation.log(Swift.max(sigma, 1e-10))
        // low_idx: the last index whose log sigma is <= log_sigma (cumsum(dists >= 0).argmax), clipped so
        // that high_idx stays in the table; 0 when none is.
        var low = 0
        var count = 0
        var best = 0
        for (i, l) in logSigmas.enumerated() where logSigma - Double(l) >= 0 {
            count += 1
            if count > best { best = count; low = i }
        }
        low = Swift.min(low, logSigmas.count - 2)
        let high = low + 1
        let lowValue = Double(logSigmas[low])
        let highValue = Double(logSigmas[high])
        var w = (lowValue - logSigma) / (lowValue - highValue)
        w = Swift.min(Swift.max(w, 0), 1)
        return (1 - w) * Double(low) + w * Double(high)
    }
}
