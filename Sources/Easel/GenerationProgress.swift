/// Where a generation is, handed to the caller's progress callback after each denoising step (and once before
/// the first, at step 0), so a UI can draw a bar and estimate the time left.
public struct GenerationProgress: Sendable, Equatable {
    /// Denoising steps done so far.
    public var step: Int
    /// Denoising steps this request runs (with an init image, only the part of `steps` that `strength` keeps).
    public var totalSteps: Int
    /// Seconds since the first denoising step started.
    public var elapsedSeconds: Double

    public init(step: Int, totalSteps: Int, elapsedSeconds: Double) {
        self.step = step
        self.totalSteps = totalSteps
        self.elapsedSeconds = elapsedSeconds
    }

    /// Seconds per step so far (A1111's "s/it"); nil before the first step ends.
    public var secondsPerStep: Double? { step > 0 ? elapsedSeconds / Double(step) : nil }

    /// Estimated seconds until the last step ends; nil before the first step ends.
    public var secondsRemaining: Double? { secondsPerStep.map { $0 * Double(totalSteps - step) } }
}

/// What a progress callback answers: go on, or stop the generation (which then throws
/// `GenerationError.cancelled` and writes nothing).
public enum ProgressAction: Sendable {
    case proceed
    case cancel
}
