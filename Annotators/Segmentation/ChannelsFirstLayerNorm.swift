import EaselDiffusion
import EaselTensor

/// transformers' `ConvNextLayerNorm` with `data_format="channels_first"`: a LayerNorm over the channels of each
/// pixel of an NCHW tensor (torch permutes to NHWC, normalises the last axis and permutes back; so does this).
struct ChannelsFirstLayerNorm: Sendable {
    var norm: LayerNorm

    /// Loads `weight` and `bias` [channels]. ConvNeXt's channels-first norms use eps 1e-6 whatever the config
    /// says (`layer_norm_eps` is only read by `ConvNextModel`'s final norm, which a backbone lacks).
    init(loading loader: WeightLoader, channels: Int, epsilon: Float = 1e-6) throws {
        norm = try LayerNorm(loading: loader, features: channels, epsilon: epsilon)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        permute(norm(permute(x, [0, 2, 3, 1])), [0, 3, 1, 2])
    }
}
