import EaselDiffusion
import EaselTensor
import Foundation
import Testing

/// The full-size ControlNet v1.1 (SD 1.5) layout, built from the `control_model.*` names and shapes of
/// Conversion_fullsize_names.txt (checked against diffusers' converter by make_conversion_fixtures.py) through
/// `LDMSingleFile` and `ControlNetConfig(inferred:)`: every tensor is used with its shape, and the architecture is
/// REFERENCE.md section 3's. Weights are zeros shared per shape (`UNetFullSizeLayoutTests.ZeroStore`); no forward pass.
@Suite struct ControlNetFullSizeLayoutTests {
    @Test func v11SingleFileLayoutBuildsWithEveryTensorUsed() throws {
        let rows = try ConversionFullSizeLayoutTests.layout().filter { $0.ldm.hasPrefix(LDMSingleFile.controlNetPrefix) }
        let store = UNetFullSizeLayoutTests.ZeroStore(shapes: Dictionary(uniqueKeysWithValues: rows.map { ($0.ldm, $0.shape) }))
        let file = try LDMSingleFile(store)
        let shape = try #require(file.controlNet).shape
        let config = ControlNetConfig(inferred: shape)
        #expect(config.encoder.blockOutChannels == [320, 640, 1280, 1280] && config.encoder.crossAttentionDim == .int(768))
        #expect(config.encoder.attentionHeadDim == .int(8) && config.encoder.layersPerBlock == .int(2))
        #expect(config.conditioningEmbeddingOutChannels == [16, 32, 96, 256] && config.conditioningChannels == 3)
        let model = try ControlNetModel(singleFile: file)  // the inferred config; throws on any leftover

        #expect(model.residualCount == 13)
        #expect(model.downZeroConvolutions.map(\.outChannels) == [320, 320, 320, 320, 640, 640, 640, 1280, 1280, 1280, 1280, 1280])
        #expect(model.conditioningEmbedding.blocks.map(\.outChannels) == [16, 32, 32, 96, 96, 256])
        #expect(model.conditioningEmbedding.convOut.outChannels == 320)
        #expect(model.encoder.midBlock.attentions[0].blocks[0].selfAttention.heads == 8)
    }
}
