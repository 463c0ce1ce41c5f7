import EaselTensor
import Testing

/// `matmul` against `torch.matmul` (float64 reference): batched, transposed operands, shared 2-D `b`.
@Suite struct MatMulTests {
    static let tolerance: Float = 2e-6

    @Test(arguments: [
        "batched", "transpose_a", "transpose_b", "transpose_both", "shared_b", "shared_b_transposed",
        "shared_b_transpose_a", "plain_2d",
    ])
    func matchesTorch(_ name: String) throws {
        let c = try GEMMOpCase("matmul.safetensors", name)
        let seed = try c.int("seed")
        let a = GEMMOpInputs.uniform(try c.ints("a"), seed: seed)
        let b = GEMMOpInputs.uniform(try c.ints("b"), seed: seed + 1)
        let output = matmul(a, b, transposeA: try c.flag("transpose_a"), transposeB: try c.flag("transpose_b"))
        try c.expectMatch(output, tolerance: Self.tolerance)
    }
}
