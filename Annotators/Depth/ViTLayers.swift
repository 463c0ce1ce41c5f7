import EaselDiffusion
import EaselTensor

/// The self-attention of a ViT layer as transformers stores it (`DPTViTAttention`, `Dinov2Attention` in
/// checkpoints): `attention.attention.{query,key,value}` and `attention.output.dense`, heads split
/// contiguously with scale `1 / sqrt(head_dim)`, no mask.
struct ViTSelfAttention: Sendable {
    var query: Linear, key: Linear, value: Linear, output: Linear
    var heads: Int

    /// Loads from the layer's `attention` scope.
    init(loading loader: WeightLoader, width: Int, heads: Int, qkvBias: Bool) throws {
        let inner = loader.scope("attention")
        query = try Linear(loading: inner.scope("query"), inFeatures: width, outFeatures: width, bias: qkvBias)
        key = try Linear(loading: inner.scope("key"), inFeatures: width, outFeatures: width, bias: qkvBias)
        value = try Linear(loading: inner.scope("value"), inFeatures: width, outFeatures: width, bias: qkvBias)
        output = try Linear(loading: loader.scope("output").scope("dense"), inFeatures: width, outFeatures: width)
        self.heads = heads
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        output(multiHeadAttention(query: query(x), key: key(x), value: value(x), heads: heads))
    }
}

/// transformers' `DPTViTLayer` (timm's `Block`): pre-LayerNorm attention and GELU MLP, both residual.
struct DPTViTLayer: Sendable {
    var layerNormBefore: LayerNorm, attention: ViTSelfAttention
    var layerNormAfter: LayerNorm, intermediate: Linear, output: Linear

    init(loading loader: WeightLoader, config: DPTConfig) throws {
        let width = config.hiddenSize, eps = Float(config.layerNormEps)
        layerNormBefore = try LayerNorm(loading: loader.scope("layernorm_before"), features: width, epsilon: eps)
        attention = try ViTSelfAttention(loading: loader.scope("attention"), width: width,
                                         heads: config.numAttentionHeads, qkvBias: config.qkvBias)
        layerNormAfter = try LayerNorm(loading: loader.scope("layernorm_after"), features: width, epsilon: eps)
        intermediate = try Linear(loading: loader.scope("intermediate").scope("dense"), inFeatures: width,
                                  outFeatures: config.intermediateSize)
        output = try Linear(loading: loader.scope("output").scope("dense"), inFeatures: config.intermediateSize,
                            outFeatures: width)
    }

    func callAsFunction(_ hidden: Tensor) -> Tensor {
        var x = hidden
        x += attention(layerNormBefore(x))
        x += output(gelu(intermediate(layerNormAfter(x))))
        return x
    }
}

/// transformers' `Dinov2Layer` (MLP variant): like the ViT layer, with a learned per-channel scale
/// (`layer_scale{1,2}.lambda1`) on each residual branch.
struct Dinov2Layer: Sendable {
    var norm1: LayerNorm, attention: ViTSelfAttention, scale1: Tensor
    var norm2: LayerNorm, fc1: Linear, fc2: Linear, scale2: Tensor

    init(loading loader: WeightLoader, config: Dinov2Config) throws {
        let width = config.hiddenSize, eps = Float(config.layerNormEps)
        norm1 = try LayerNorm(loading: loader.scope("norm1"), features: width, epsilon: eps)
        attention = try ViTSelfAttention(loading: loader.scope("attention"), width: width,
                                         heads: config.numAttentionHeads, qkvBias: config.qkvBias)
        scale1 = try loader.scope("layer_scale1").load("lambda1", shape: [width])
        norm2 = try LayerNorm(loading: loader.scope("norm2"), features: width, epsilon: eps)
        fc1 = try Linear(loading: loader.scope("mlp").scope("fc1"), inFeatures: width, outFeatures: config.mlpWidth)
        fc2 = try Linear(loading: loader.scope("mlp").scope("fc2"), inFeatures: config.mlpWidth, outFeatures: width)
        scale2 = try loader.scope("layer_scale2").load("lambda1", shape: [width])
    }

    func callAsFunction(_ hidden: Tensor) -> Tensor {
        var x = hidden
        x += attention(norm1(x)) * scale1
        x += fc2(gelu(fc1(norm2(x)))) * scale2
        return x
    }
}

/// Tokens `[B, 1 + h*w, C]` without the first (class) token, as an image `[B, C, h, w]`.
func tokensToImage(_ tokens: Tensor, height: Int, width: Int) -> Tensor {
    let (batch, count, channels) = (tokens.shape[0], tokens.shape[1], tokens.shape[2])
    precondition(count == 1 + height * width, "tokensToImage: \(count) tokens for a \(height)x\(width) grid")
    let patches = split(tokens, sizes: [1, count - 1], axis: 1)[1]
    return permute(patches.reshaped([batch, height, width, channels]), [0, 3, 1, 2])
}

/// An image `[B, C, h, w]` as tokens `[B, h*w, C]` (`flatten(2).transpose(1, 2)`).
func imageToTokens(_ image: Tensor) -> Tensor {
    let (batch, channels) = (image.shape[0], image.shape[1])
    return permute(image.reshaped([batch, channels, -1]), [0, 2, 1])
}
