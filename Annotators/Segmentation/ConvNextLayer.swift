import EaselDiffusion
import EaselTensor

/// transformers' `ConvNextLayer`: depthwise 7x7 conv, then per pixel LayerNorm, Linear (4x), GELU, Linear,
/// times the layer scale, added to the input. The pointwise part runs channels-last, as in torch.
struct ConvNextLayer: Sendable {
    var depthwise: Conv2D
    var norm: LayerNorm
    var expand: Linear
    var project: Linear
    /// `layer_scale_parameter` [C]; nil when the config's `layer_scale_init_value` is not positive.
    var layerScale: Tensor?

    init(loading loader: WeightLoader, channels: Int, hasLayerScale: Bool) throws {
        depthwise = Conv2D(
            weight: try loader.scope("dwconv").load("weight", shape: [channels, 1, 7, 7]),
            bias: try loader.scope("dwconv").load("bias", shape: [channels]), padding: 3)
        norm = try LayerNorm(loading: loader.scope("layernorm"), features: channels, epsilon: 1e-6)
        expand = try Linear(loading: loader.scope("pwconv1"), inFeatures: channels, outFeatures: 4 * channels)
        project = try Linear(loading: loader.scope("pwconv2"), inFeatures: 4 * channels, outFeatures: channels)
        layerScale = hasLayerScale ? try loader.load("layer_scale_parameter", shape: [channels]) : nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let channels = x.shape[1]
        let spatial = conv2d(
            x, weight: depthwise.weight, bias: depthwise.bias, padding: depthwise.padding, groups: channels)
        var h = project(gelu(expand(norm(permute(spatial, [0, 2, 3, 1])))))
        if let layerScale { h = h * layerScale }
        return x + permute(h, [0, 3, 1, 2])
    }
}
