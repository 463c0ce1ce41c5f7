import EaselTensor

/// diffusers' `BasicTransformerBlock` as SD's UNets configure it (norm_type "layer_norm", no attention bias,
/// GEGLU feed-forward, self- then cross-attention): `x += attn1(norm1(x))`, `x += attn2(norm2(x), context)`,
/// `x += ff(norm3(x))`, on tokens `[B, L, C]`.
public struct BasicTransformerBlock: Sendable {
    public var norm1: LayerNorm
    public var selfAttention: Attention
    public var norm2: LayerNorm
    public var crossAttention: Attention
    public var norm3: LayerNorm
    public var feedForward: GEGLUFeedForward

    /// Loads `norm1, attn1, norm2, attn2, norm3, ff` from `loader` (the scope of `transformer_blocks.i`).
    /// - Parameters:
    ///   - channels: the token width (`inner_dim`; the block's channel count in SD).
    ///   - contextDimension: `cross_attention_dim`, the width of the text embeddings.
    public init(loading loader: WeightLoader, channels: Int, heads: Int, contextDimension: Int) throws {
        // LayerNorm eps: BasicTransformerBlock's norm_eps default (1e-5); the UNet blocks do not pass another.
        norm1 = try LayerNorm(loading: loader.scope("norm1"), features: channels, epsilon: 1e-5)
        selfAttention = try Attention(
            loading: loader.scope("attn1"), queryDimension: channels, heads: heads, innerDimension: channels, qkvBias: false)
        norm2 = try LayerNorm(loading: loader.scope("norm2"), features: channels, epsilon: 1e-5)
        crossAttention = try Attention(
            loading: loader.scope("attn2"), queryDimension: channels, contextDimension: contextDimension, heads: heads,
            innerDimension: channels, qkvBias: false)
        norm3 = try LayerNorm(loading: loader.scope("norm3"), features: channels, epsilon: 1e-5)
        feedForward = try GEGLUFeedForward(loading: loader.scope("ff"), channels: channels)
    }

    /// `x` `[B, L, C]`, `context` `[B, S, cross_attention_dim]` -> `[B, L, C]`.
    public func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        var h = x
        h += selfAttention(norm1(h))
        h += crossAttention(norm2(h), context: context)
        h += feedForward(norm3(h))
        return h
    }
}

/// diffusers' `FeedForward` with `activation_fn="geglu"` (mult 4): `net.0` is `GEGLU` (`proj`: Linear C -> 8C,
/// split into `(hidden, gate)`, `hidden * gelu(gate)` with the exact erf GELU), `net.2` is Linear 4C -> C.
///
/// `net.0.proj` is split at load time into its two halves, so the 8C-wide activation is never made and
/// then cut apart: two GEMMs of 4C write `hidden` and `gate` directly.
public struct GEGLUFeedForward: Sendable {
    /// Rows `0 ..< 4C` of `net.0.proj` (the `hidden` half).
    public var valueProjection: Linear
    /// Rows `4C ..< 8C` of `net.0.proj` (the `gate` half).
    public var gateProjection: Linear
    public var output: Linear

    /// Loads `net.0.proj` and `net.2` from `loader` (the scope of `ff`).
    public init(loading loader: WeightLoader, channels: Int) throws {
        let inner = 4 * channels
        let projection = try Linear(loading: loader.scope("net.0.proj"), inFeatures: channels, outFeatures: 2 * inner)
        let weights = chunk(projection.weight, count: 2, axis: 0)
        let biases = projection.bias.map { chunk($0, count: 2, axis: 0) }
        valueProjection = Linear(weight: weights[0], bias: biases?[0])
        gateProjection = Linear(weight: weights[1], bias: biases?[1])
        output = try Linear(loading: loader.scope("net.2"), inFeatures: inner, outFeatures: channels)
    }

    /// `[B, L, C]` -> `[B, L, C]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var hidden = valueProjection(x)
        hidden *= gelu(gateProjection(x))
        return output(hidden)
    }
}
