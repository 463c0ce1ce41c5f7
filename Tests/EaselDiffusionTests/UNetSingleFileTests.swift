import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// An LDM single file's UNet (Conversion_sd1_ldm.safetensors, from make_conversion_fixtures.py) built through
/// `LDMSingleFile` and `UNet2DConditionConfig(inferred:)`, against diffusers running the same file converted
/// by its own `convert_ldm_unet_checkpoint` (make_unet_fixtures.py, case `ldm_sd1`).
@Suite struct UNetSingleFileTests {
    static func unet(_ file: String) throws -> LDMSingleFile.Component<InferredUNetShape> {
        let single = try LDMSingleFile(ConversionLDMSingleFileTests.singleFile(file))
        return try #require(single.unet)
    }

    @Test func inferredConfigDescribesTheTinySD1Model() throws {
        let config = UNet2DConditionConfig(inferred: try Self.unet("Conversion_sd1_ldm.safetensors").shape)
        // make_unet_fixtures.py LDM_SD1 (= make_conversion_fixtures.py tiny_unet()) on what the shapes tell.
        #expect(config.inChannels == 4 && config.outChannels == 4)
        #expect(config.blockOutChannels == [4, 8, 8])
        #expect(config.layersPerBlock == .int(2))
        #expect(config.downBlockTypes == ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        #expect(config.upBlockTypes == ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"])
        #expect(config.crossAttentionDim == .int(8))
        #expect(config.transformerLayersPerBlock == .int(1))
        #expect(!config.useLinearProjection)
        #expect(config.timeEmbeddingDim == nil)
        // The SD conventions the shapes cannot give; the tiny model departs from them, so as inferred it is
        // refused (4 channels in 32 groups) rather than built wrong.
        #expect(config.attentionHeadDim == .int(8) && config.normNumGroups == 32)
        #expect(throws: WeightError.self) { try config.validate() }
    }

    @Test func singleFileUNetMatchesDiffusersOnTheConvertedWeights() throws {
        let unet = try Self.unet("Conversion_sd1_ldm.safetensors")
        var config = UNet2DConditionConfig(inferred: unet.shape)
        config.attentionHeadDim = .int(2)  // the tiny model's, not in the weights
        config.normNumGroups = 2
        let model = try UNet2DConditionModel(config: config, weights: unet.weights)  // every tensor used
        let error = try UNetFixtures.error(of: model, onCase: "ldm_sd1")
        #expect(error < 2e-6)  // measured 4.9e-7
    }

    /// The SD 2.x-style file (linear projections, 9 input channels, 2 transformer layers per block) builds
    /// with every tensor used; no reference output (its conversion is checked name by name elsewhere).
    @Test func sd2StyleSingleFileUNetBuilds() throws {
        let unet = try Self.unet("Conversion_sd2_ldm.safetensors")
        var config = UNet2DConditionConfig(inferred: unet.shape)
        #expect(config.useLinearProjection && config.inChannels == 9 && config.transformerLayersPerBlock == .int(2))
        config.attentionHeadDim = .list([1, 2])  // make_conversion_fixtures.py tiny_sd2_unet()
        config.normNumGroups = 2
        let model = try UNet2DConditionModel(config: config, weights: unet.weights)
        let output = model(
            Tensor(repeating: 0.5, shape: [1, 9, 4, 4]), timestep: 10,
            encoderHiddenStates: Tensor(repeating: 0.1, shape: [1, 3, 12]))
        #expect(output.shape == [1, 4, 4, 4])
        #expect(output.scalars.allSatisfy { $0.isFinite })
    }
}
