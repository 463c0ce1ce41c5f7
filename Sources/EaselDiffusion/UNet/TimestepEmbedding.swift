import Foundation
import EaselTensor

/// The UNet's time conditioning: diffusers' `Timesteps` (the sinusoidal projection, `get_timestep_embedding`)
/// followed by `TimestepEmbedding` (`linear_1`, SiLU, `linear_2`), as `UNet2DConditionModel.get_time_embed` and
/// `time_embedding` compute it. ControlNets carry the same two parts under the same names.
public struct TimestepEmbedding: Sendable {
    /// Width of the sinusoidal projection (`block_out_channels[0]`).
    public var projectionWidth: Int
    public var flipSinToCos: Bool
    public var freqShift: Int
    public var linear1: Linear
    public var linear2: Linear

    /// Loads `linear_1` and `linear_2` from `loader` (the scope of `time_embedding`).
    public init(
        loading loader: WeightLoader, projectionWidth: Int, embeddingWidth: Int, flipSinToCos: Bool, freqShift: Int
    ) throws {
        self.projectionWidth = projectionWidth
        self.flipSinToCos = flipSinToCos
        self.freqShift = freqShift
        linear1 = try Linear(loading: loader.scope("linear_1"), inFeatures: projectionWidth, outFeatures: embeddingWidth)
        linear2 = try Linear(loading: loader.scope("linear_2"), inFeatures: embeddingWidth, outFeatures: embeddingWidth)
    }

    /// `[batch, embeddingWidth]`: the embedding of one timestep, repeated for every row of the batch
    /// (diffusers `timesteps.expand(sample.shape[0])`).
    public func callAsFunction(timestep: Float, batch: Int) -> Tensor {
        let row = linear2(silu(linear1(Self.sinusoids(timestep: timestep, width: projectionWidth,
                                                         flipSinToCos: flipSinToCos, freqShift: freqShift))))
        return batch == 1 ? row : concat(Array(repeating: row, count: batch), axis: 0)
    }

    /// diffusers' `get_timestep_embedding(t, width, flip_sin_to_cos, downscale_freq_shift=freqShift)` for one
    /// timestep, `[1, width]`. Computed in float32 step by step as there (diffusers does so whatever the model's
    /// dtype): `exponent = float(-ln 10000) * j / (half - shift)`, `freq = exp(exponent)`, `arg = t * freq`, then
    /// `[sin(arg), cos(arg)]`, swapped when `flipSinToCos`, and a zero column when `width` is odd. Rounding `arg`
    /// to float32 matters: at t = 999 one ulp of `arg` moves `sin` by 6e-5.
    public static func sinusoids(timestep: Float, width: Int, flipSinToCos: Bool, freqShift: Int) -> Tensor {
        let half = width / 2
        let scale = Float(-log(10000.0))
        let divisor = Float(half - freqShift)
        return Tensor(shape: [1, width]) { out in
            for j in 0..<half {
                let exponent = (scale * Float(j)) / divisor
                let argument = timestep * Foundation.exp(exponent)
                let (sine, cosine) = (Foundation.sin(argument), Foundation.cos(argument))
                out[j] = flipSinToCos ? cosine : sine
                out[half + j] = flipSinToCos ? sine : cosine
            }
            if width % 2 == 1 { out[width - 1] = 0 }
        }
    }
}
