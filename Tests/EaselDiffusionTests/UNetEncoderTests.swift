import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// `UNetEncoder`, the half of the UNet a ControlNet copies.
@Suite struct UNetEncoderTests {
    /// A ControlNet's weights (Conversion_controlnet_ldm.safetensors converted to diffusers names) hold the
    /// encoder under the UNet's names: building the encoder from them uses everything but the ControlNet's own
    /// parts (conditioning embedding and zero convolutions). The config has no up blocks, as a ControlNet's.
    @Test func controlNetWeightsHoldTheEncoderUnderTheUNetNames() throws {
        let file = try LDMSingleFile(ConversionLDMSingleFileTests.singleFile("Conversion_controlnet_ldm.safetensors"))
        let controlNet = try #require(file.controlNet)
        var config = UNet2DConditionConfig()
        config.inChannels = controlNet.shape.inChannels
        config.blockOutChannels = controlNet.shape.blockOutChannels
        config.layersPerBlock = .int(controlNet.shape.layersPerBlock)
        config.downBlockTypes = controlNet.shape.downBlockTypes
        config.upBlockTypes = []
        config.crossAttentionDim = .int(try #require(controlNet.shape.crossAttentionDim))
        config.attentionHeadDim = .int(2)  // make_conversion_fixtures.py tiny_controlnet()
        config.normNumGroups = 2
        #expect(throws: WeightError.self) { try config.validate() }  // not a whole UNet
        let loader = WeightLoader(controlNet.weights)
        let encoder = try UNetEncoder(config: config, loading: loader)
        let left = loader.unusedTensorNames()
        #expect(!left.isEmpty)
        #expect(left.allSatisfy {
            $0.hasPrefix("controlnet_cond_embedding.") || $0.hasPrefix("controlnet_down_blocks.")
                || $0.hasPrefix("controlnet_mid_block.")
        })
        let output = encoder(
            Tensor(repeating: 0.5, shape: [2, 4, 8, 8]), timestep: 3,
            encoderHiddenStates: Tensor(repeating: 0.1, shape: [2, 3, 8]))
        // One skip per zero convolution of the ControlNet: conv_in, 2 resnets x 3 levels, 2 downsamplers.
        #expect(output.skips.count == 9)
        #expect(output.sample.shape == [2, 8, 2, 2])
    }

    /// The encoder hands on diffusers' `down_block_res_samples` (conv_in's output, then one per resnet and per
    /// downsampler), the order a ControlNet's residuals follow. (The values are covered by UNetParityTests.)
    @Test func encoderSkipsMatchTheDownPathShapes() throws {
        let model = try UNetFixtures.sd1()
        let output = model.encoder(
            Tensor(repeating: 0.25, shape: [2, 4, 8, 8]), timestep: 999,
            encoderHiddenStates: Tensor(repeating: 0.1, shape: [2, 5, 12]))
        #expect(output.skips.map(\.shape) == [
            [2, 8, 8, 8], [2, 8, 8, 8], [2, 8, 4, 4], [2, 16, 4, 4], [2, 16, 2, 2], [2, 16, 2, 2],
        ])
        #expect(output.timeEmbedding.shape == [2, 32])
        #expect(output.sample.shape == [2, 16, 2, 2])
    }
}
