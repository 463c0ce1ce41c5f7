/// How a ControlNet unit's residuals enter the guided UNet batch: the A1111 ControlNet extension's three control
/// modes, and diffusers' guess mode.
///
/// Two things vary: the factor on each residual, and whether the unconditional half of the classifier-free
/// guidance batch sees the control. "ControlNet is more important" and guess mode run the net on the
/// conditional half only and give the unconditional half zero residuals, so guidance pushes towards the control
/// (A1111's `cfg_injection`, which multiplies the control by its cond/uncond mark; diffusers' `guess_mode`, which
/// runs the net on `prompt_embeds.chunk(2)[1]` and pads zeros).
public enum ControlMode: String, Sendable, CaseIterable {
    /// A1111's "Balanced", diffusers' default: every residual times the weight, both halves controlled.
    case balanced
    /// A1111's "My prompt is more important" (`soft_injection`): residual i of n times `weight * 0.825^(n-1-i)`
    /// (A1111 writes `0.825 ** (12 - i)` for SD's 13 residuals), both halves controlled.
    case promptMoreImportant = "prompt"
    /// A1111's "ControlNet is more important" (`soft_injection` and `cfg_injection`): the soft scales above, on
    /// the conditional half only.
    case controlNetMoreImportant = "control"
    /// diffusers' `guess_mode=True`: residual i scaled by `logspace(-1, 0, n)[i] * weight`, on the conditional
    /// half only.
    case guess

    /// The name A1111 writes in the infotext's "Control Mode".
    public var a1111Name: String {
        switch self {
        case .balanced: "Balanced"
        case .promptMoreImportant: "My prompt is more important"
        case .controlNetMoreImportant: "ControlNet is more important"
        case .guess: "Guess mode"
        }
    }
}
