import EaselTensor

/// The small convolutional network that brings a condition image down to the latents' size, diffusers'
/// `ControlNetConditioningEmbedding` (`controlnet_cond_embedding`; `input_hint_block` in v1.1 files):
/// `conv_in` (3x3, conditioning channels -> widths[0]) + SiLU, then for each step between two widths a 3x3 conv
/// keeping the width and a 3x3 stride-2 conv to the next width, each + SiLU, then `conv_out` (3x3, to the UNet's
/// `block_out_channels[0]`; zero-initialised in training, with no activation after it).
public struct ControlNetConditioningEmbedding: Sendable {
    public var convIn: Conv2D
    /// Pairs of (keep width, stride 2 to the next width).
    public var blocks: [Conv2D]
    public var convOut: Conv2D

    /// Loads `conv_in`, `blocks.*` and `conv_out` from `loader`'s scope.
    /// - Parameters:
    ///   - widths: `conditioning_embedding_out_channels`.
    ///   - outChannels: the width of the ControlNet's `conv_in` output it is added to.
    public init(loading loader: WeightLoader, conditioningChannels: Int, widths: [Int], outChannels: Int) throws {
        precondition(!widths.isEmpty, "ControlNetConditioningEmbedding: no widths (ControlNetConfig.validate checks)")
        convIn = try Conv2D(
            loading: loader.scope("conv_in"), inChannels: conditioningChannels, outChannels: widths[0], kernel: 3, padding: 1)
        var blocks: [Conv2D] = []
        for (width, next) in zip(widths, widths.dropFirst()) {
            blocks.append(try Conv2D(
                loading: loader.scope("blocks.\(blocks.count)"), inChannels: width, outChannels: width, kernel: 3, padding: 1))
            blocks.append(try Conv2D(
                loading: loader.scope("blocks.\(blocks.count)"), inChannels: width, outChannels: next, kernel: 3,
                stride: 2, padding: 1))
        }
        self.blocks = blocks
        convOut = try Conv2D(
            loading: loader.scope("conv_out"), inChannels: widths[widths.count - 1], outChannels: outChannels, kernel: 3,
            padding: 1)
    }

    /// `[N, conditioning_channels, H, W]` -> `[N, out_channels, ceil(H / f), ceil(W / f)]`, `f` = 2^(steps).
    public func callAsFunction(_ condition: Tensor) -> Tensor {
        var h = silu(convIn(condition))
        for block in blocks {
            h = silu(block(h))
        }
        return convOut(h)
    }
}
