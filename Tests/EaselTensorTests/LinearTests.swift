import EaselTensor
import Testing

/// `linear` against `torch.nn.functional.linear` (float64 reference) on SD/CLIP shapes.
@Suite struct LinearTests {
    /// float32 accumulation over up to 3072 products.
    static let tolerance: Float = 2e-6

    @Test(arguments: ["text_to_k_768to320", "clip_fc2_3072to768", "time_embedding_320to1280", "vector_input"])
    func matchesTorch(_ name: String) throws {
        let c = try GEMMOpCase("linear.safetensors", name)
        let seed = try c.int("seed")
        let weightShape = try c.ints("weight")
        let input = GEMMOpInputs.uniform(try c.ints("input"), seed: seed)
        let weight = GEMMOpInputs.uniform(weightShape, seed: seed + 1, scale: 0.0625)
        let bias = try c.flag("bias") ? GEMMOpInputs.uniform([weightShape[0]], seed: seed + 2) : nil
        try c.expectMatch(linear(input, weight: weight, bias: bias), tolerance: Self.tolerance)
    }
}
