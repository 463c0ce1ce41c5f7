import EaselDiffusion
import EaselTensor

/// transformers' `UperNetConvModule`: a bias-free conv, an eval-mode BatchNorm2d and a ReLU. The BatchNorm is
/// folded into the conv at load time (`w * s`, `beta - mean * s` with `s = gamma / sqrt(var + 1e-5)`, computed
/// in Double and rounded once), so inference is one convolution and a ReLU.
struct UperNetConvModule: Sendable {
    var conv: Conv2D

    /// Loads `conv.weight` [out, in, k, k] and `batch_norm.{weight,bias,running_mean,running_var}` [out]; the
    /// int64 `batch_norm.num_batches_tracked` counter only matters for training and is left to the caller to
    /// ignore.
    init(loading loader: WeightLoader, inChannels: Int, outChannels: Int, kernel: Int, padding: Int = 0) throws {
        let weight = try loader.scope("conv").load("weight", shape: [outChannels, inChannels, kernel, kernel])
        let norm = loader.scope("batch_norm")
        let gamma = try norm.load("weight", shape: [outChannels]).scalars
        let beta = try norm.load("bias", shape: [outChannels]).scalars
        let mean = try norm.load("running_mean", shape: [outChannels]).scalars
        let variance = try norm.load("running_var", shape: [outChannels]).scalars
        // nn.BatchNorm2d's default eps; UperNet never changes it.
        let scale = (0..<outChannels).map { Double(gamma[$0]) / (Double(variance[$0]) + 1e-5).squareRoot() }
        let perChannel = inChannels * kernel * kernel
        let w = weight.scalars
        let folded = (0..<w.count).map { Float(Double(w[$0]) * scale[$0 / perChannel]) }
        let shift = (0..<outChannels).map { Float(Double(beta[$0]) - Double(mean[$0]) * scale[$0]) }
        conv = Conv2D(
            weight: Tensor(shape: weight.shape, scalars: folded), bias: Tensor(shape: [outChannels], scalars: shift),
            padding: padding)
    }

    func callAsFunction(_ x: Tensor) -> Tensor { relu(conv(x)) }
}
