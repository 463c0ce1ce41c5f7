import EaselTensor

/// One pre-LayerNorm transformer layer of the CLIP text encoder, transformers' `CLIPEncoderLayer`:
/// `x += out_proj(attention(layer_norm1(x)))`, then `x += fc2(act(fc1(layer_norm2(x))))`.
struct CLIPEncoderLayer: Sendable {
    var layerNorm1: LayerNorm
    var queryProjection: Linear
    var keyProjection: Linear
    var valueProjection: Linear
    var outputProjection: Linear
    var layerNorm2: LayerNorm
    var fc1: Linear
    var fc2: Linear
    var heads: Int
    var activation: CLIPActivation

    /// Loads `self_attn.{q,k,v,out}_proj`, `layer_norm1`, `mlp.fc1`, `mlp.fc2`, `layer_norm2` from the
    /// layer's scope (`encoder.layers.i`).
    init(loading loader: WeightLoader, config: CLIPTextConfig) throws {
        let width = config.hiddenSize
        let attention = loader.scope("self_attn")
        let mlp = loader.scope("mlp")
        layerNorm1 = try LayerNorm(loading: loader.scope("layer_norm1"), features: width, epsilon: config.layerNormEps)
        queryProjection = try Linear(loading: attention.scope("q_proj"), inFeatures: width, outFeatures: width)
        keyProjection = try Linear(loading: attention.scope("k_proj"), inFeatures: width, outFeatures: width)
        valueProjection = try Linear(loading: attention.scope("v_proj"), inFeatures: width, outFeatures: width)
        outputProjection = try Linear(loading: attention.scope("out_proj"), inFeatures: width, outFeatures: width)
        layerNorm2 = try LayerNorm(loading: loader.scope("layer_norm2"), features: width, epsilon: config.layerNormEps)
        fc1 = try Linear(loading: mlp.scope("fc1"), inFeatures: width, outFeatures: config.intermediateSize)
        fc2 = try Linear(loading: mlp.scope("fc2"), inFeatures: config.intermediateSize, outFeatures: width)
        heads = config.numAttentionHeads
        activation = try config.activation
    }

    /// `hidden` [B, L, C] -> [B, L, C].
    func callAsFunction(_ hidden: Tensor) -> Tensor {
        var x = hidden
        x += attention(layerNorm1(x))
        x += mlp(layerNorm2(x))
        return x
    }

    /// `CLIPAttention` with the causal mask the text model passes (`is_causal=True`) and no padding mask:
    /// SD pipelines call the encoder without an attention mask, so padding tokens are attended.
    /// Heads split the channels contiguously with scale `1 / sqrt(head_dim)`, as `multiHeadAttention` does.
    private func attention(_ x: Tensor) -> Tensor {
        let attended = multiHeadAttention(
            query: queryProjection(x), key: keyProjection(x), value: valueProjection(x), heads: heads, causal: true)
        return outputProjection(attended)
    }

    /// `CLIPMLP`: `fc2(act(fc1(x)))`.
    private func mlp(_ x: Tensor) -> Tensor {
        let h = fc1(x)
        let activated: Tensor
        switch activation {
        case .quickGELU: activated = quickGELU(h)
        case .gelu: activated = gelu(h)
        case .geluPytorchTanh: activated = gelu(h, approximate: .tanh)
        }
        return fc2(activated)
    }
}
