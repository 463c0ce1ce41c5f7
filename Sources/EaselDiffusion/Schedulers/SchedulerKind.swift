/// The samplers Easel offers, by the names used on the command line, and how each is built from a model's
/// `scheduler_config.json` the way `XScheduler.from_config(pipe.scheduler.config, ...)` builds it.
public enum SchedulerKind: String, CaseIterable, Sendable {
    /// `DDIMScheduler` (eta 0).
    case ddim
    /// `PNDMScheduler` (PLMS), the SD 1.x default.
    case pndm
    /// `EulerDiscreteScheduler`.
    case euler
    /// `EulerAncestralDiscreteScheduler` ("Euler a").
    case eulerAncestral = "euler_a"
    /// `DPMSolverMultistepScheduler` ("DPM++ 2M").
    case dpmSolverMultistep = "dpmpp_2m"

    /// Whether `use_karras_sigmas` exists for this class in diffusers 0.42.1.
    public var supportsKarras: Bool { self == .euler || self == .dpmSolverMultistep }

    /// The scheduler after `set_timesteps(steps)`. `karras` is `use_karras_sigmas=True`; asking it of a class
    /// without that option is an error (diffusers would silently ignore the key).
    public func make(config: SchedulerConfig, steps: Int, karras: Bool = false) throws -> any Scheduler {
        if karras && !supportsKarras { throw SchedulerError.unsupported("Karras sigmas with \(rawValue)") }
        switch self {
        case .ddim: return try DDIMScheduler(config: config, steps: steps)
        case .pndm:
            // Swapping PNDM in keeps the config's skip_prk_steps; SD 1.x configs set it.
            return try PNDMScheduler(config: config, steps: steps)
        case .euler: return try EulerDiscreteScheduler(config: config, steps: steps, karras: karras)
        case .eulerAncestral: return try EulerAncestralDiscreteScheduler(config: config, steps: steps)
        case .dpmSolverMultistep: return try DPMSolverMultistepScheduler(config: config, steps: steps, karras: karras)
        }
    }
}
