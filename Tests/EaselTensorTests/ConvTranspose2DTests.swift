@testable import EaselTensor
import Testing

/// `convTranspose2d` against `torch.nn.functional.conv_transpose2d` (float64 reference): stride-2
/// upsamplers, output padding, groups, asymmetric and dilated cases, and forced column bands.
@Suite struct ConvTranspose2DTests {
    static let tolerance: Float = 2e-6

    @Test(arguments: [
        "k4_stride2_batch2", "k3_stride2_output_padding1", "groups2_nobias", "asymmetric",
        "dilation2_output_padding1_stride1", "pointwise", "banded_small_budget",
    ])
    func matchesTorch(_ name: String) throws {
        let c = try GEMMOpCase("conv_transpose2d.safetensors", name)
        let seed = try c.int("seed")
        let weightShape = try c.ints("weight")
        let groups = try c.int("groups")
        let input = GEMMOpInputs.uniform(try c.ints("input"), seed: seed)
        let weight = GEMMOpInputs.uniform(weightShape, seed: seed + 1, scale: 0.125)
        let bias = try c.flag("bias") ? GEMMOpInputs.uniform([weightShape[1] * groups], seed: seed + 2) : nil
        let (stride, padding) = (try c.pair("stride"), try c.pair("padding"))
        let (outputPadding, dilation) = (try c.pair("output_padding"), try c.pair("dilation"))
        let budget = try c.int("column_budget")
        let output =
            budget == 0
            ? convTranspose2d(
                input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                groups: groups, dilation: dilation)
            : convTranspose2d(
                input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                groups: groups, dilation: dilation, columnBudget: budget)
        try c.expectMatch(output, tolerance: Self.tolerance)
    }
}
