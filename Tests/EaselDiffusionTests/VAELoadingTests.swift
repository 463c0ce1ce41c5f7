import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// Building `AutoencoderKL`: its config.json, diffusers and pipeline folders, LDM single files, and the
/// errors for weights that do not fit.
@Suite struct VAELoadingTests {
    @Test func configReadsDiffusersKeys() throws {
        let config = try VAEFixtures.config("three_level")
        #expect(config.blockOutChannels == [8, 16, 24])
        #expect(config.layersPerBlock == 2)
        #expect(config.normNumGroups == 4)
        #expect(config.latentChannels == 3)
        #expect(config.sampleSize == 32)
        #expect(config.scalingFactor == 0.18215)
        #expect(config.shiftFactor == nil)
        #expect(config.downBlockTypes == Array(repeating: "DownEncoderBlock2D", count: 3))
        let plain = try VAEFixtures.config("plain")
        #expect(!plain.midBlockAddAttention && !plain.useQuantConv && !plain.usePostQuantConv)
        // Round trip through JSON.
        let again = try JSONDecoder().decode(AutoencoderKLConfig.self, from: JSONEncoder().encode(config))
        #expect(again == config)
    }

    /// Absent keys take `AutoencoderKL.__init__`'s defaults; a [H, W] sample_size takes its first entry.
    @Test func configDefaultsAreDiffusers() throws {
        let empty = try JSONDecoder().decode(AutoencoderKLConfig.self, from: Data("{}".utf8))
        #expect(empty == AutoencoderKLConfig())
        #expect(empty.blockOutChannels == [64] && empty.layersPerBlock == 1 && empty.normNumGroups == 32)
        #expect(empty.sampleSize == 32 && empty.latentChannels == 4 && empty.actFn == "silu")
        let listed = try JSONDecoder().decode(
            AutoencoderKLConfig.self, from: Data(#"{"sample_size": [768, 512], "shift_factor": 0.1159}"#.utf8))
        #expect(listed.sampleSize == 768)
        #expect(listed.shiftFactor == 0.1159)
    }

    @Test func unsupportedConfigurationsThrow() throws {
        var config = try VAEFixtures.config("two_level")
        config.actFn = "gelu"
        #expect(throws: WeightError.invalidConfiguration("act_fn 'gelu' is not supported (expected silu)")) {
            try config.validate()
        }
        config = try VAEFixtures.config("two_level")
        config.upBlockTypes = ["UpDecoderBlock2D", "AttnUpDecoderBlock2D"]
        #expect(throws: WeightError.self) { try config.validate() }
        config = try VAEFixtures.config("two_level")
        config.normNumGroups = 5
        #expect(throws: WeightError.self) { try config.validate() }
        config = try VAEFixtures.config("two_level")
        config.downBlockTypes = ["DownEncoderBlock2D"]
        #expect(throws: WeightError.self) { try config.validate() }
    }

    /// A pipeline folder (with model_index.json) is read from its vae/ subfolder.
    @Test func loadsFromAPipelineFolder() throws {
        let temporary = try TemporaryFolder()
        _ = try temporary.write("{}", to: "model_index.json")
        try FileManager.default.copyItem(at: VAEFixtures.folder("plain"), to: temporary.path("vae"))
        let vae = try AutoencoderKL(contentsOf: temporary.url)
        #expect(vae.config == (try VAEFixtures.config("plain")))
        let fixture = try VAEFixtures.outputs()
        let latents = try fixture.tensor("plain.latents")
        #expect(try vae.decode(latents) == VAEFixtures.model("plain").decode(latents))
    }

    /// The VAE of the LDM single file of the Conversion fixtures, built from `init(inferred:)` and the renamed
    /// tensors, gives diffusers' output on diffusers' converted weights (`VAEParityTests.tolerance`; measured
    /// at most 4.3e-7). norm_num_groups is not in an LDM file; this tiny model uses 2.
    @Test func singleFileVAEMatchesDiffusers() throws {
        let store = try ConversionLDMSingleFileTests.singleFile("Conversion_sd1_ldm.safetensors")
        let file = try LDMSingleFile(store)
        let component = try #require(file.vae)
        let config = AutoencoderKLConfig(inferred: component.shape)
        #expect(config.blockOutChannels == [4, 8] && config.layersPerBlock == 1 && config.latentChannels == 4)
        #expect(config.sampleSize == 512 && config.scalingFactor == 0.18215 && config.normNumGroups == 32)
        #expect(config.downBlockTypes == ["DownEncoderBlock2D", "DownEncoderBlock2D"])
        let fixture = try VAEFixtures.outputs()
        let vae = try AutoencoderKL(singleFile: component, normNumGroups: try fixture.int("ldm.norm_num_groups"))
        try VAEParityTests.check(vae, fixture: fixture, prefix: "ldm.")
        // With the LDM default of 32 groups, 4 channels cannot be grouped: a configuration error, not a crash.
        #expect(throws: WeightError.self) { try AutoencoderKL(singleFile: component) }
    }

    @Test func missingTensorIsNamed() throws {
        var tensors = try VAEFixtures.tensors("two_level")
        tensors["decoder.up_blocks.1.resnets.1.conv2.bias"] = nil
        #expect(throws: WeightError.missing(name: "decoder.up_blocks.1.resnets.1.conv2.bias", expectedShape: [12])) {
            try AutoencoderKL(config: VAEFixtures.config("two_level"), weights: InMemoryTensorStore(tensors))
        }
    }

    @Test func misshapedTensorIsNamed() throws {
        var tensors = try VAEFixtures.tensors("two_level")
        tensors["encoder.mid_block.attentions.0.to_q.weight"] = Tensor(zeros: [16, 8])
        #expect(throws: WeightError.shapeMismatch(
            name: "encoder.mid_block.attentions.0.to_q.weight", expected: [16, 16], actual: [16, 8])) {
            try AutoencoderKL(config: VAEFixtures.config("two_level"), weights: InMemoryTensorStore(tensors))
        }
    }

    /// A tensor the config does not use (here: quant_conv under a config without it) is reported.
    @Test func extraTensorIsNamed() throws {
        var tensors = try VAEFixtures.tensors("plain")
        tensors["quant_conv.weight"] = Tensor(zeros: [4, 4, 1, 1])
        #expect(throws: WeightError.unexpected(names: ["quant_conv.weight"])) {
            try AutoencoderKL(config: VAEFixtures.config("plain"), weights: InMemoryTensorStore(tensors))
        }
    }

    @Test func badInputShapesThrow() throws {
        let vae = try VAEFixtures.model("plain")
        #expect(throws: AutoencoderKLError.self) { try vae.encode(Tensor(zeros: [1, 4, 8, 8])) }
        #expect(throws: AutoencoderKLError.self) { try vae.decode(Tensor(zeros: [1, 2, 8])) }
        #expect(throws: AutoencoderKLError.self) { try vae.decode(Tensor(zeros: [1, 2, 0, 4])) }
    }
}
