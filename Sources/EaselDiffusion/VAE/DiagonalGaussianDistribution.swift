import EaselTensor
import Foundation

/// diffusers' `DiagonalGaussianDistribution` (not deterministic): the latent distribution the VAE encoder
/// gives, from moments `[N, 2C, h, w]` split along channels into `mean` and `logvar`, the log-variance clamped
/// to [-30, 20].
public struct DiagonalGaussianDistribution: Sendable {
    /// `[N, C, h, w]`.
    public let mean: Tensor
    /// `[N, C, h, w]`, clamped to [-30, 20].
    public let logvar: Tensor
    /// `exp(0.5 * logvar)`.
    public let std: Tensor

    /// The bounds diffusers clamps `logvar` to.
    public static let logvarRange: ClosedRange<Float> = -30...20

    /// Splits `moments` `[N, 2C, h, w]` (the encoder's output after `quant_conv`) as `torch.chunk(moments, 2, dim=1)`.
    public init(moments: Tensor) {
        precondition(moments.rank == 4 && moments.shape[1] % 2 == 0, "moments must be [N, 2C, h, w], got \(moments.shape)")
        let halves = chunk(moments, count: 2, axis: 1)
        mean = halves[0]
        var logvar = halves[1]
        let range = Self.logvarRange
        logvar.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = min(max(values[i], range.lowerBound), range.upperBound) }
        }
        self.logvar = logvar
        std = Tensor(shape: logvar.shape) { out in
            logvar.withUnsafeBufferPointer { values in
                for i in values.indices { out[i] = exp(0.5 * values[i]) }
            }
        }
    }

    /// The most likely latents: `mean` (diffusers' `mode()`).
    public var mode: Tensor { mean }

    /// `mean + std * randn(mean.shape)`, drawing the noise as diffusers' `sample(generator)` does
    /// (`randn_tensor(mean.shape, generator)`: one draw of the whole batch): with `TorchCPUGenerator(seed: s)`
    /// it equals diffusers with `torch.Generator("cpu").manual_seed(s)`.
    public func sample<R: RandomSource>(using random: inout R) -> Tensor {
        let noise = random.normal(shape: mean.shape)
        var result = std * noise
        result += mean
        return result
    }
}
