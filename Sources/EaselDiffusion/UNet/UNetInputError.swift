/// Inputs a UNet cannot take, found by `UNet2DConditionModel.checkInputs` before running it: mostly models that
/// do not belong together (an inpainting UNet given 4-channel latents, SD 1.x text embeddings for an SD 2.x
/// UNet, an SD 2.x ControlNet's residuals on an SD 1.x UNet).
public enum UNetInputError: Error, Equatable, CustomStringConvertible {
    case sample(shape: [Int], inChannels: Int)
    case encoderHiddenStates(shape: [Int], batch: Int, width: Int)
    case controlResidualCount(actual: Int, expected: Int)
    /// `index` nil: the mid-block residual.
    case controlResidual(index: Int?, shape: [Int], expected: [Int])

    public var description: String {
        switch self {
        case .sample(let shape, let inChannels):
            "the UNet takes latents [N, \(inChannels), H, W], got \(shape)"
        case .encoderHiddenStates(let shape, let batch, let width):
            "the UNet takes text embeddings [\(batch), tokens, \(width)], got \(shape)"
                + (shape.count == 3 && shape[2] != width ? " (a text encoder for another model?)" : "")
        case .controlResidualCount(let actual, let expected):
            "\(actual) ControlNet down residuals for a UNet with \(expected) skip connections (a ControlNet for another model?)"
        case .controlResidual(let index, let shape, let expected):
            "ControlNet \(index.map { "down residual \($0)" } ?? "mid residual") has shape \(shape), the UNet expects \(expected)"
                + " (a ControlNet for another model?)"
        }
    }
}
