import EaselTensor

/// What a ControlNet (or the sum of several) adds to a UNet's forward pass: diffusers'
/// `down_block_additional_residuals` (one tensor per skip tensor of the down path, in order: `conv_in`'s output,
/// then each down block's resnet and downsampler outputs; 12 for SD 1.x) and `mid_block_additional_residual`
/// (added to the mid block's output).
public struct UNetControlResiduals: Sendable {
    public var down: [Tensor]
    public var mid: Tensor

    public init(down: [Tensor], mid: Tensor) {
        self.down = down
        self.mid = mid
    }
}
