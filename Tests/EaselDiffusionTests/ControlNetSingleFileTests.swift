import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// A ControlNet v1.1 single file (Conversion_controlnet_ldm.safetensors, from make_conversion_fixtures.py) built
/// through `LDMSingleFile` and `ControlNetConfig(inferred:)`, against diffusers running the same file converted by
/// its own `convert_controlnet_checkpoint` (make_controlnet_fixtures.py, case `ldm`).
@Suite struct ControlNetSingleFileTests {
    static let fileName = "Conversion_controlnet_ldm.safetensors"

    static func fileURL() throws -> URL { try ReferenceFixture(fileName, in: .module).file.url }

    /// The inferred config with what the tiny model departs from the SD conventions in (not in the weights).
    static func tinyConfig(_ shape: InferredControlNetShape) -> ControlNetConfig {
        var config = ControlNetConfig(inferred: shape)
        config.encoder.attentionHeadDim = .int(2)
        config.encoder.normNumGroups = 2
        return config
    }

    @Test func inferredConfigDescribesTheTinyControlNet() throws {
        let file = try LDMSingleFile(ConversionLDMSingleFileTests.singleFile(Self.fileName))
        let config = ControlNetConfig(inferred: try #require(file.controlNet).shape)
        // make_controlnet_fixtures.py LDM (= make_conversion_fixtures.py tiny_controlnet()) on what the shapes tell.
        #expect(config.encoder.inChannels == 4 && config.conditioningChannels == 3)
        #expect(config.encoder.blockOutChannels == [4, 8, 8] && config.encoder.layersPerBlock == .int(2))
        #expect(config.encoder.downBlockTypes == ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        #expect(config.encoder.crossAttentionDim == .int(8) && !config.encoder.useLinearProjection)
        #expect(config.conditioningEmbeddingOutChannels == [2, 2, 4, 4])
        #expect(config.conditioningChannelOrder == "rgb" && !config.globalPoolConditions)
        // The SD conventions the shapes cannot give; the tiny model departs from them, so as inferred it is
        // refused (4 channels in 32 groups) rather than built wrong.
        #expect(config.encoder.attentionHeadDim == .int(8) && config.encoder.normNumGroups == 32)
        #expect(throws: WeightError.self) { try config.validate() }
        #expect(throws: WeightError.self) { try ControlNetModel(singleFile: Self.fileURL()) }
    }

    @Test func singleFileMatchesDiffusersOnTheConvertedWeights() throws {
        let file = try LDMSingleFile(ConversionLDMSingleFileTests.singleFile(Self.fileName))
        let config = Self.tinyConfig(try #require(file.controlNet).shape)
        let model = try ControlNetModel(singleFile: Self.fileURL(), config: config)  // every tensor used
        let (residuals, error) = try ControlNetFixtures.run(model, onCase: "ldm")
        #expect(residuals.down.count == 9)
        #expect(error < 3e-6)  // measured 6.3e-7 (torch float32: 5.9e-7)
    }

    /// The same file as ControlNet v1.1 ships it, a PyTorch `.pth` (ControlNet_v11.pth, torch.save of the same
    /// tensors): read through the restricted pickle reader, it gives the same residuals to the bit.
    @Test func pthFileGivesTheSameNet() throws {
        let file = try LDMSingleFile(ConversionLDMSingleFileTests.singleFile(Self.fileName))
        let config = Self.tinyConfig(try #require(file.controlNet).shape)
        let pickle = try FixtureFolder(.module, writtenBy: "make_controlnet_fixtures.py").url("ControlNet_v11.pth")
        let fromPickle = try ControlNetModel(singleFile: pickle, config: config)
        let fromSafetensors = try ControlNetModel(singleFile: Self.fileURL(), config: config)
        let (pickleResiduals, error) = try ControlNetFixtures.run(fromPickle, onCase: "ldm")
        let (safetensorsResiduals, _) = try ControlNetFixtures.run(fromSafetensors, onCase: "ldm")
        #expect(pickleResiduals.down == safetensorsResiduals.down)
        #expect(pickleResiduals.mid == safetensorsResiduals.mid)
        #expect(error < 3e-6)  // measured 6.3e-7, as the safetensors file
    }

    /// The same tensors without `control_model.` (files like thibaud/controlnet-sd21) give the same net.
    @Test func unprefixedFileMatchesToo() throws {
        let stored = try ConversionLDMSingleFileTests.singleFile(Self.fileName)
        let prefix = LDMSingleFile.controlNetPrefix
        let bare = RenamedTensorStore(
            base: stored, names: Dictionary(uniqueKeysWithValues: stored.tensorNames.map { (String($0.dropFirst(prefix.count)), $0) }))
        let file = try LDMSingleFile(bare)
        let model = try ControlNetModel(singleFile: file, config: Self.tinyConfig(try #require(file.controlNet).shape))
        let (_, error) = try ControlNetFixtures.run(model, onCase: "ldm")
        #expect(error < 3e-6)  // measured 6.3e-7 (torch float32: 5.9e-7)
    }

    @Test func missingFilesAndFilesWithoutAControlNetAreRefused() throws {
        let pth = URL(fileURLWithPath: "/nonexistent/control_v11p_sd15_canny.pth")
        let error = #expect(throws: CheckpointError.self) { try ControlNetModel(singleFile: pth) }
        #expect(error.map { "\($0)" }?.contains("control_v11p_sd15_canny.pth") == true)

        let sd1 = try ReferenceFixture("Conversion_sd1_ldm.safetensors", in: .module).file.url
        #expect(throws: WeightError.self) { try ControlNetModel(singleFile: sd1) }
        // A folder is not a single file.
        #expect(throws: CheckpointError.self) { try ControlNetModel(singleFile: ControlNetFixtures.sd1Folder()) }
    }
}
