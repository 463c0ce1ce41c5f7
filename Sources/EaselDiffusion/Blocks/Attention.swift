import EaselTensor

/// diffusers' `Attention` (the attention processor's maths): `to_q`, `to_k`, `to_v`, multi-head scaled
/// dot-product attention, `to_out.0`.
///
/// Two uses: the UNet's transformer blocks (self- and cross-attention, q/k/v without bias, no norm, the
/// residual added by the caller), and the VAE's mid-block attention (one head over all channels, biases,
/// a group norm first and the residual added here; see `spatial(_:)`).
public struct Attention: Sendable {
    public var heads: Int
    public var toQuery: Linear
    public var toKey: Linear
    public var toValue: Linear
    public var toOut: Linear
    /// The VAE's `group_norm`, applied to the NCHW input before the projections (`spatial`).
    public var groupNorm: GroupNorm?

    /// - Parameters:
    ///   - queryDimension: channels of the input (and output).
    ///   - contextDimension: channels of the keys' source (cross-attention); nil: self-attention.
    ///   - innerDimension: heads x head dimension (`to_q` output width).
    ///   - qkvBias: whether `to_q/to_k/to_v` have biases (UNet: no, VAE: yes). `to_out.0` always has one.
    ///   - groupNorm: (groups, epsilon) when the block normalises its input (the VAE).
    public init(
        loading loader: WeightLoader, queryDimension: Int, contextDimension: Int? = nil, heads: Int,
        innerDimension: Int, qkvBias: Bool, groupNorm: (groups: Int, epsilon: Float)? = nil
    ) throws {
        guard heads > 0, innerDimension % heads == 0 else {
            throw WeightError.invalidConfiguration("\(innerDimension) attention channels do not split into \(heads) heads")
        }
        self.heads = heads
        let contextDimension = contextDimension ?? queryDimension
        toQuery = try Linear(loading: loader.scope("to_q"), inFeatures: queryDimension, outFeatures: innerDimension, bias: qkvBias)
        toKey = try Linear(loading: loader.scope("to_k"), inFeatures: contextDimension, outFeatures: innerDimension, bias: qkvBias)
        toValue = try Linear(loading: loader.scope("to_v"), inFeatures: contextDimension, outFeatures: innerDimension, bias: qkvBias)
        toOut = try Linear(loading: loader.scope("to_out.0"), inFeatures: innerDimension, outFeatures: queryDimension)
        if let groupNorm {
            self.groupNorm = try GroupNorm(
                loading: loader.scope("group_norm"), groups: groupNorm.groups, channels: queryDimension,
                epsilon: groupNorm.epsilon)
        }
    }

    /// Attention over token sequences: `x` `[B, L, C]`, `context` `[B, S, Cc]` (nil: self-attention).
    /// Returns `[B, L, C]`, without a residual.
    public func callAsFunction(_ x: Tensor, context: Tensor? = nil) -> Tensor {
        let source = context ?? x
        let attended = multiHeadAttention(
            query: toQuery(x), key: toKey(source), value: toValue(source), heads: heads)
        return toOut(attended)
    }

    /// The VAE mid-block form on NCHW: `x + to_out(attention(group_norm(x)))` with the spatial positions
    /// as tokens (diffusers: `residual_connection=True`, `rescale_output_factor=1`).
    public func spatial(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let normed = groupNorm.map { $0(x) } ?? x
        let tokens = transpose(normed.reshaped([n, c, h * w]), 1, 2)
        let out = self(tokens)
        var result = transpose(out, 1, 2).reshaped([n, c, h, w])
        result += x
        return result
    }
}
