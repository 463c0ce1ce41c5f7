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
    /// `MultiControlNet`: condition images or scale lists not one per net.
    case unitCount(nets: Int, conditions: Int, scales: Int)
    /// `MultiControlNet`: nets with different numbers of down residuals (ControlNets for different UNets).
    case residualCount(actual: Int, expected: Int)
    /// `MultiControlNet`: nets whose residuals cannot be summed (ControlNets for different UNets); `index` nil:
    /// the mid residuals.
    case residualMismatch(index: Int?, shape: [Int], expected: [Int])

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
        case .unitCount(let nets, let conditions, let scales):
            "\(nets) ControlNets given \(conditions) condition images and \(scales) scales (one each per net)"
        case .residualCount(let actual, let expected):
            "a ControlNet gives \(actual) down residuals where another gives \(expected) (ControlNets for different models?)"
        case .residualMismatch(let index, let shape, let expected):
            "ControlNet \(index.map { "down residual \($0)" } ?? "mid residual") has shape \(shape) where another net's is \(expected)"
                + " (ControlNets for different models?)"
        }
    }
}
