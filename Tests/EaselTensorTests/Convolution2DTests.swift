@testable import EaselTensor
import Testing

/// `conv2d` against `torch.nn.functional.conv2d` (float64 reference) on the cases of
/// make_gemm_op_fixtures.py: SD shapes, strides, 1x1, dilation, groups, depthwise, asymmetric
/// hyper-parameters, batches, with and without bias, and forced im2col bands.
@Suite struct Convolution2DTests {
    /// float32 accumulation over up to 2880 products (320 channels x 9 taps) against a float64 reference.
    static let tolerance: Float = 2e-6

    @Test(arguments: [
        "sd320_3x3", "c64to16_3x3_batch2", "sd320_down_stride2", "pointwise_1x1_batch2", "pointwise_groups2",
        "pointwise_stride2", "dilation2_nobias", "groups2_batch2", "depthwise_3x3_batch2",
        "depthwise_multiplier2_asymmetric", "asymmetric_3x5", "conv_in_4ch_batch2", "stride2_unpadded_odd",
        "stem_7x7_stride2", "sd320_to8_two_bands", "banded_small_budget", "banded_groups3_stride2",
    ])
    func matchesTorch(_ name: String) throws {
        let c = try GEMMOpCase("conv2d.safetensors", name)
        let seed = try c.int("seed")
        let weightShape = try c.ints("weight")
        let input = GEMMOpInputs.uniform(try c.ints("input"), seed: seed)
        let weight = GEMMOpInputs.uniform(weightShape, seed: seed + 1, scale: 0.125)
        let bias = try c.flag("bias") ? GEMMOpInputs.uniform([weightShape[0]], seed: seed + 2) : nil
        let (stride, padding, dilation) = (try c.pair("stride"), try c.pair("padding"), try c.pair("dilation"))
        let groups = try c.int("groups")
        let budget = try c.int("column_budget")
        let output =
            budget == 0
            ? conv2d(
                input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                groups: groups)
            : conv2d(
                input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                groups: groups, columnBudget: budget)
        try c.expectMatch(output, tolerance: Self.tolerance)
    }

    /// The default arguments are torch's (stride 1, no padding, dilation 1, one group, no bias).
    @Test func defaultsAreTorchs() throws {
        let input = GEMMOpInputs.uniform([1, 3, 6, 5], seed: 1)
        let weight = GEMMOpInputs.uniform([4, 3, 3, 3], seed: 2)
        let explicit = conv2d(
            input, weight: weight, bias: nil, stride: (1, 1), padding: (0, 0), dilation: (1, 1), groups: 1)
        #expect(conv2d(input, weight: weight) == explicit)
        #expect(explicit.shape == [1, 4, 4, 3])
    }

    /// Output extents follow torch's formula, including kernels that only just fit.
    @Test func geometryMatchesTorchsFormula() {
        let g = ConvolutionGeometry(
            inputHeight: 7, inputWidth: 5, kernelHeight: 3, kernelWidth: 5, strideY: 2, strideX: 1,
            paddingY: 1, paddingX: 0, dilationY: 3, dilationX: 1)
        #expect(g.outputHeight == (7 + 2 - 3 * 2 - 1) / 2 + 1)
        #expect(g.outputWidth == 1)
        // Output row 0 with ky = 0 reads row -1 (padding); ky = 1 reads row 2.
        #expect(g.validOutputRows(ky: 0) == 1..<2)
        #expect(g.validOutputRows(ky: 1) == 0..<2)
    }
}

/// The F(2x2, 3x3) Winograd path against the same float64 references, and against the im2col path, on the 3x3
/// stride-1 cases wide enough to take it, with whole and forced bands of tile rows.
@Suite struct WinogradConvolutionTests {
    /// Measured (debug build): the Winograd outputs are 1.5e-7 to 6.8e-7 from float64 on these cases, the im2col
    /// path's order of error; the tolerance is the conv2d one.
    static let tolerance: Float = 2e-6

    @Test(arguments: [
        "sd320_3x3", "winograd_odd_batch2", "winograd_unpadded_bias", "winograd_wide_rows", "winograd_plane_1122",
    ])
    func matchesTorch(_ name: String) throws {
        let c = try GEMMOpCase("conv2d.safetensors", name)
        let seed = try c.int("seed")
        let weightShape = try c.ints("weight")
        let input = GEMMOpInputs.uniform(try c.ints("input"), seed: seed)
        let weight = GEMMOpInputs.uniform(weightShape, seed: seed + 1, scale: 0.125)
        let bias = try c.flag("bias") ? GEMMOpInputs.uniform([weightShape[0]], seed: seed + 2) : nil
        let padding = try c.pair("padding")
        let geometry = ConvolutionGeometry(
            inputHeight: input.shape[2], inputWidth: input.shape[3], kernelHeight: 3, kernelWidth: 3, strideY: 1,
            strideX: 1, paddingY: padding.0, paddingX: padding.1, dilationY: 1, dilationX: 1)
        // Whole bands, and bands of one or a few tile rows.
        for budget in [WinogradConvolution.bandBudget, 16 * 64 * 5] {
            let output = WinogradConvolution.convolve(
                input, weight: weight, bias: bias, geometry: geometry, bandBudget: budget)
            try c.expectMatch(output, tolerance: Self.tolerance)
        }
    }

    /// The public conv2d chooses the Winograd path for a plane of 1024 outputs or more, and gives its result.
    @Test func publicConvolutionTakesItOnLargePlanes() throws {
        let c = try GEMMOpCase("conv2d.safetensors", "winograd_plane_1122")
        let input = GEMMOpInputs.uniform(try c.ints("input"), seed: try c.int("seed"))
        let weight = GEMMOpInputs.uniform(try c.ints("weight"), seed: try c.int("seed") + 1, scale: 0.125)
        let bias = GEMMOpInputs.uniform([weight.shape[0]], seed: try c.int("seed") + 2)
        let geometry = ConvolutionGeometry(
            inputHeight: 34, inputWidth: 33, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1,
            paddingY: 1, paddingX: 1, dilationY: 1, dilationX: 1)
        #expect(WinogradConvolution.applies(geometry: geometry, groups: 1, channels: 32, outChannels: 32))
        let output = conv2d(input, weight: weight, bias: bias, padding: (1, 1))
        #expect(output == WinogradConvolution.convolve(input, weight: weight, bias: bias, geometry: geometry))
        try c.expectMatch(output, tolerance: Self.tolerance)
    }

    @Test func notTakenWhereItDoesNotApply() {
        func applies(_ k: Int, stride: Int = 1, dilation: Int = 1, groups: Int = 1, channels: Int = 64, size: Int = 32) -> Bool {
            WinogradConvolution.applies(
                geometry: ConvolutionGeometry(
                    inputHeight: size, inputWidth: size, kernelHeight: k, kernelWidth: k, strideY: stride,
                    strideX: stride, paddingY: 1, paddingX: 1, dilationY: dilation, dilationX: dilation),
                groups: groups, channels: channels, outChannels: channels)
        }
        #expect(applies(3))
        #expect(!applies(1))
        #expect(!applies(5))
        #expect(!applies(3, stride: 2))
        #expect(!applies(3, dilation: 2))
        #expect(!applies(3, groups: 2))
        #expect(!applies(3, channels: 16))
        #expect(!applies(3, size: 31))
    }
}
