/// diffusers' `timestep_spacing` (Table 2 of "Common Diffusion Noise Schedules and Sample Steps are Flawed").
public enum TimestepSpacing: String, Sendable, CaseIterable {
    case linspace, leading, trailing

    init(_ configValue: String?, default fallback: TimestepSpacing) throws {
        guard let value = configValue else { self = fallback; return }
        guard let spacing = TimestepSpacing(rawValue: value) else {
            throw SchedulerError.unsupported("timestep_spacing \"\(value)\"")
        }
        self = spacing
    }
}

/// The step-count check every `set_timesteps` makes.
func validateStepCount(_ steps: Int, _ config: SchedulerConfig) throws {
    guard steps >= 1, steps <= config.numTrainTimesteps else {
        throw SchedulerError.invalidStepCount(steps, trainTimesteps: config.numTrainTimesteps)
    }
}
