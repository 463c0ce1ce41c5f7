import EaselTensor

/// diffusers' `UNetMidBlock2D` as the VAE builds it (no time embedding, `resnet_eps` 1e-6,
/// `resnet_time_scale_shift` "default"): `resnets.0`, then `attentions.0` (one head over all channels, a
/// group norm inside and the residual added; absent when `mid_block_add_attention` is false), then `resnets.1`.
public struct VAEMidBlock: Sendable {
    public var firstResnet: ResnetBlock2D
    public var attention: Attention?
    public var secondResnet: ResnetBlock2D

    /// Loads `resnets.{0,1}` and `attentions.0` from `loader` (the scope of `mid_block`).
    public init(loading loader: WeightLoader, channels: Int, groups: Int, addAttention: Bool) throws {
        let resnets = loader.scope("resnets")
        firstResnet = try ResnetBlock2D(
            loading: resnets.scope("0"), inChannels: channels, outChannels: channels, timeEmbeddingChannels: nil,
            groups: groups, epsilon: VAEEncoder.epsilon)
        if addAttention {
            // attention_head_dim = channels: heads = channels / attention_head_dim = 1.
            attention = try Attention(
                loading: loader.scope("attentions").scope("0"), queryDimension: channels, heads: 1,
                innerDimension: channels, qkvBias: true, groupNorm: (groups, VAEEncoder.epsilon))
        }
        secondResnet = try ResnetBlock2D(
            loading: resnets.scope("1"), inChannels: channels, outChannels: channels, timeEmbeddingChannels: nil,
            groups: groups, epsilon: VAEEncoder.epsilon)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = firstResnet(x)
        if let attention { h = attention.spatial(h) }
        return secondResnet(h)
    }
}
