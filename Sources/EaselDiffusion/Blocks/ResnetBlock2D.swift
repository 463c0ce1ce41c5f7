import EaselTensor

/// diffusers' `ResnetBlock2D` (time_embedding_norm "default", output_scale_factor 1, no up/down):
/// `h = conv1(silu(norm1(x)))`, `h += time_emb_proj(silu(temb))[:, :, None, None]` when there is a time
/// embedding, `h = conv2(silu(norm2(h)))`, `out = shortcut(x) + h`, the shortcut a 1x1 conv when the channel
/// count changes. The UNet, the VAE (no time embedding) and the ControlNet all build on it.
public struct ResnetBlock2D: Sendable {
    public var norm1: GroupNorm
    public var conv1: Conv2D
    public var timeEmbeddingProjection: Linear?
    public var norm2: GroupNorm
    public var conv2: Conv2D
    public var shortcut: Conv2D?

    /// Loads `norm1, conv1, time_emb_proj, norm2, conv2, conv_shortcut` from `loader`.
    /// `timeEmbeddingChannels` nil: no time embedding (the VAE's resnets).
    public init(
        loading loader: WeightLoader, inChannels: Int, outChannels: Int, timeEmbeddingChannels: Int?,
        groups: Int, epsilon: Float
    ) throws {
        norm1 = try GroupNorm(loading: loader.scope("norm1"), groups: groups, channels: inChannels, epsilon: epsilon)
        conv1 = try Conv2D(
            loading: loader.scope("conv1"), inChannels: inChannels, outChannels: outChannels, kernel: 3, padding: 1)
        if let timeEmbeddingChannels {
            timeEmbeddingProjection = try Linear(
                loading: loader.scope("time_emb_proj"), inFeatures: timeEmbeddingChannels, outFeatures: outChannels)
        }
        norm2 = try GroupNorm(loading: loader.scope("norm2"), groups: groups, channels: outChannels, epsilon: epsilon)
        conv2 = try Conv2D(
            loading: loader.scope("conv2"), inChannels: outChannels, outChannels: outChannels, kernel: 3, padding: 1)
        if inChannels != outChannels {
            shortcut = try Conv2D(
                loading: loader.scope("conv_shortcut"), inChannels: inChannels, outChannels: outChannels, kernel: 1)
        }
    }

    /// - Parameters:
    ///   - x: `[N, inChannels, H, W]`.
    ///   - timeEmbedding: `[N, timeEmbeddingChannels]`; required when the block has a projection for it.
    public func callAsFunction(_ x: Tensor, timeEmbedding: Tensor? = nil) -> Tensor {
        var h = conv1(silu(norm1(x)))
        if let projection = timeEmbeddingProjection {
            precondition(timeEmbedding != nil, "ResnetBlock2D with a time projection needs a time embedding")
            if let timeEmbedding {
                let t = projection(silu(timeEmbedding))
                h += t.reshaped([t.shape[0], t.shape[1], 1, 1])
            }
        }
        h = conv2(silu(norm2(h)))
        if let shortcut {
            h += shortcut(x)
        } else {
            h += x
        }
        return h
    }
}
