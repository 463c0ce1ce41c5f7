import Foundation

/// The training-time noise schedule every diffusers scheduler builds in `__init__`: `betas`, `alphas_cumprod`,
/// and the k-diffusion sigma table `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5`, all float32.
struct NoiseSchedule: Sendable {
    let betas: [Float]
    /// `torch.cumprod(1 - betas)`: torch accumulates a float32 cumprod in double and rounds each entry.
    let alphasCumprod: [Float]

    init(config: SchedulerConfig) throws {
        let n = config.numTrainTimesteps
        guard n >= 2 else { throw SchedulerError.invalidConfig("num_train_timesteps \(n) must be at least 2") }
        if let trained = config.trainedBetas {
            guard trained.count == n else {
                throw SchedulerError.invalidConfig("trained_betas has \(trained.count) values, expected \(n)")
            }
            betas = trained.map { Float($0) }
        } else {
            switch config.betaSchedule {
            case "linear":
                betas = ScheduleMath.torchLinspace(Float(config.betaStart), Float(config.betaEnd), count: n)
            case "scaled_linear":
                // torch.linspace(beta_start**0.5, beta_end**0.5, n, dtype=float32) ** 2: Python float powers,
                // cast to float32 by linspace, squared as x * x.
                let start = Float(Foundation.pow(config.betaStart, 0.5))
                let end = Float(Foundation.pow(config.betaEnd, 0.5))
                betas = ScheduleMath.torchLinspace(start, end, count: n).map { $0 * $0 }
            case "squaredcos_cap_v2":
                betas = NoiseSchedule.cosineBetas(count: n)
            default:
                throw SchedulerError.unsupported("beta_schedule \"\(config.betaSchedule)\"")
            }
        }
        var product = 1.0
        alphasCumprod = betas.map { beta in
            product *= Double(1 - beta)
            return Float(product)
        }
    }

    /// diffusers' `betas_for_alpha_bar(n)` (cosine): Python floats, then `torch.tensor(..., float32)`.
    static func cosineBetas(count n: Int) -> [Float] {
        func alphaBar(_ t: Double) -> Double {
            let c = Foundation.cos((t + 0.008) / 1.008 * Double.pi / 2)
            return c * c
        }
        return (0..<n).map { i in
            let t1 = Double(i) / Double(n)
            let t2 = Double(i + 1) / Double(n)
            return Float(Swift.min(1 - alphaBar(t2) / alphaBar(t1), 0.999))
        }
    }

    /// `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5` in float32, indexed by training timestep.
    var sigmas: [Float] { alphasCumprod.map { ScheduleMath.pow05((1 - $0) / $0) } }
}

/// Errors from building a scheduler.
public enum SchedulerError: Error, Equatable, CustomStringConvertible {
    case invalidConfig(String)
    case unsupported(String)
    case invalidStepCount(Int, trainTimesteps: Int)
    case invalidStrength(Double)

    public var description: String {
        switch self {
        case .invalidConfig(let why): return "invalid scheduler config: \(why)"
        case .unsupported(let what): return "unsupported scheduler option: \(what)"
        case .invalidStepCount(let n, let train):
            return "the number of steps must be between 1 and \(train), got \(n)"
        case .invalidStrength(let s): return "strength must be in [0, 1], got \(s)"
        }
    }
}
