import EaselTensor

/// diffusers' `Transformer2DModel` on continuous (latent) input, as the UNet's attention blocks use it:
/// `GroupNorm(eps 1e-6)`, `proj_in`, the `BasicTransformerBlock`s over the `H*W` positions as tokens, `proj_out`,
/// and the input added back.
///
/// `proj_in`/`proj_out` are 1x1 convolutions (SD 1.x) or linear layers (`use_linear_projection`, SD 2.x). Both
/// act on the channels of each position alone, so both run here as a linear layer on the token-major tensor:
/// one transpose into tokens and one back, with no convolution in between.
public struct Transformer2DModel: Sendable {
    public var norm: GroupNorm
    public var projectIn: Linear
    public var blocks: [BasicTransformerBlock]
    public var projectOut: Linear

    /// Loads `norm, proj_in, transformer_blocks.*, proj_out` from `loader` (the scope of `attentions.i`).
    /// `channels` is both the block's channel count and the transformer width (`heads * (channels / heads)`).
    public init(
        loading loader: WeightLoader, channels: Int, heads: Int, layers: Int, contextDimension: Int, groups: Int,
        useLinearProjection: Bool
    ) throws {
        guard heads > 0, channels % heads == 0 else {
            throw WeightError.invalidConfiguration("\(channels) channels do not split into \(heads) attention heads")
        }
        norm = try GroupNorm(loading: loader.scope("norm"), groups: groups, channels: channels, epsilon: 1e-6)
        // The diffusers shape (conv [C, C, 1, 1] or linear [C, C]) is what is checked; the loader accepts the
        // other form too (LDM files store either), and the values are the same matrix.
        let projectionShape = useLinearProjection ? [channels, channels] : [channels, channels, 1, 1]
        func projection(_ name: String) throws -> Linear {
            let scope = loader.scope(name)
            return Linear(
                weight: try scope.load("weight", shape: projectionShape).reshaped([channels, channels]),
                bias: try scope.load("bias", shape: [channels]))
        }
        projectIn = try projection("proj_in")
        blocks = try (0..<layers).map { index in
            try BasicTransformerBlock(
                loading: loader.scope("transformer_blocks.\(index)"), channels: channels, heads: heads,
                contextDimension: contextDimension)
        }
        projectOut = try projection("proj_out")
    }

    /// `x` `[N, C, H, W]`, `context` `[N, S, cross_attention_dim]` -> `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var tokens = projectIn(transpose(norm(x).reshaped([n, c, h * w]), 1, 2))
        for block in blocks { tokens = block(tokens, context: context) }
        var result = transpose(projectOut(tokens), 1, 2).reshaped([n, c, h, w])
        result += x
        return result
    }
}
