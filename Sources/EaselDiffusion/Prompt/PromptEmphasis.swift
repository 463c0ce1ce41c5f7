import EaselTensor

/// A1111's default emphasis, `sd_emphasis.EmphasisOriginal.after_transformers`: every token's vector of the
/// encoder output is multiplied by its weight, then the whole chunk is rescaled so its mean (over all tokens
/// and channels) is what it was before.
enum PromptEmphasis {
    /// - Parameters:
    ///   - z: one chunk's encoder output `[1, L, C]`.
    ///   - multipliers: `L` weights; A1111 makes them float32 (`torch.asarray` of Python floats).
    static func applyOriginal(to z: Tensor, multipliers: [Double]) -> Tensor {
        let width = z.shape[z.rank - 1]
        let weights = multipliers.map { Double(Float($0)) }
        // Means in double: the reference is float64, and a float32 sum over 77 x 768 values would lose digits.
        let scalars = z.scalars
        var originalSum = 0.0
        var weightedSum = 0.0
        for (index, value) in scalars.enumerated() {
            originalSum += Double(value)
            weightedSum += Double(value) * weights[index / width]
        }
        let rescale = originalSum / weightedSum
        return Tensor(shape: z.shape, scalars: scalars.enumerated().map { index, value in
            Float(Double(value) * weights[index / width] * rescale)
        })
    }
}
