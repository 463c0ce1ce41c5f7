import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// `checkInputs` and `skipShapes`: inputs from models that do not belong together are errors, not crashes.
@Suite struct UNetInputTests {
    /// The predicted skip shapes are the ones the encoder produces, also on odd sizes and with the padding-free
    /// downsampler (UNet_variants: downsample_padding 0).
    @Test(arguments: [("UNet_sd1", 8, 8), ("UNet_sd2", 9, 7), ("UNet_variants", 7, 5)])
    func skipShapesAreTheEncodersOutputShapes(folder: String, height: Int, width: Int) throws {
        let model = try UNet2DConditionModel(contentsOf: UNetFixtures.fixtures.url(folder))
        let contextWidth = model.encoder.midBlock.attentions[0].blocks[0].crossAttention.toKey.weight.shape[1]
        let sample = Tensor(repeating: 0.5, shape: [2, model.config.inChannels, height, width])
        let context = Tensor(repeating: 0.1, shape: [2, 3, contextWidth])
        let output = model.encoder(sample, timestep: 5, encoderHiddenStates: context)
        let predicted = model.encoder.skipShapes(batch: 2, height: height, width: width)
        #expect(predicted.down == output.skips.map(\.shape))
        #expect(predicted.mid == output.sample.shape)
        try model.checkInputs(sample, encoderHiddenStates: context, controlResiduals: UNetControlResiduals(
            down: predicted.down.map { Tensor(zeros: $0) }, mid: Tensor(zeros: predicted.mid)))
    }

    @Test func mismatchedInputsAreErrors() throws {
        let model = try UNetFixtures.sd1()  // 4 input channels, cross_attention_dim 12
        let sample = Tensor(zeros: [2, 4, 8, 8])
        let context = Tensor(zeros: [2, 5, 12])
        #expect(throws: UNetInputError.sample(shape: [2, 9, 8, 8], inChannels: 4)) {
            try model.checkInputs(Tensor(zeros: [2, 9, 8, 8]), encoderHiddenStates: context)
        }
        #expect(throws: UNetInputError.encoderHiddenStates(shape: [2, 5, 16], batch: 2, width: 12)) {
            try model.checkInputs(sample, encoderHiddenStates: Tensor(zeros: [2, 5, 16]))
        }
        #expect(throws: UNetInputError.encoderHiddenStates(shape: [1, 5, 12], batch: 2, width: 12)) {
            try model.checkInputs(sample, encoderHiddenStates: Tensor(zeros: [1, 5, 12]))
        }
        let shapes = model.encoder.skipShapes(batch: 2, height: 8, width: 8)
        var down = shapes.down.map { Tensor(zeros: $0) }
        #expect(throws: UNetInputError.controlResidualCount(actual: 5, expected: 6)) {
            try model.checkInputs(sample, encoderHiddenStates: context, controlResiduals: .init(
                down: Array(down.dropLast()), mid: Tensor(zeros: shapes.mid)))
        }
        down[3] = Tensor(zeros: [2, 8, 4, 4])
        #expect(throws: UNetInputError.controlResidual(index: 3, shape: [2, 8, 4, 4], expected: [2, 16, 4, 4])) {
            try model.checkInputs(sample, encoderHiddenStates: context, controlResiduals: .init(
                down: down, mid: Tensor(zeros: shapes.mid)))
        }
    }
}
