/// Inputs a ControlNet cannot take, found by `ControlNetModel` before it runs: mostly a condition image of the
/// wrong size (it must be the latents' size times 8 for the published ControlNets) or a ControlNet that does not
/// belong to the UNet it is used with (text embeddings of another width).
public enum ControlNetInputError: Error, Equatable, CustomStringConvertible {
    case sample(shape: [Int], inChannels: Int)
    case encoderHiddenStates(shape: [Int], batch: Int, width: Int)
    /// `expected`: `[N, conditioning_channels, H * factor, W * factor]` for latents `[N, C, H, W]`.
    case condition(shape: [Int], expected: [Int], factor: Int)
    /// Per-residual scales: one per down residual plus one for the mid residual.
    case scaleCount(actual: Int, expected: Int)

    public var description: String {
        switch self {
        case .sample(let shape, let inChannels):
            "the ControlNet takes latents [N, \(inChannels), H, W], got \(shape)"
        case .encoderHiddenStates(let shape, let batch, let width):
            "the ControlNet takes text embeddings [\(batch), tokens, \(width)], got \(shape)"
                + (shape.count == 3 && shape[2] != width ? " (a ControlNet for another model?)" : "")
        case .condition(let shape, let expected, let factor):
            "the condition image has shape \(shape); the ControlNet expects \(expected)"
                + " (one per latent, the latents' height and width times \(factor))"
        case .scaleCount(let actual, let expected):
            "\(actual) residual scales for a ControlNet with \(expected) residuals (12 down + 1 mid for SD 1.x/2.x)"
        }
    }
}
