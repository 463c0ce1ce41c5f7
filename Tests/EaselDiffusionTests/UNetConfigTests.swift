import EaselDiffusion
import EaselTestSupport
import Foundation
import Testing

/// `UNet2DConditionConfig`: diffusers' keys and defaults, and the refusal of settings Easel does not build.
@Suite struct UNetConfigTests {
    static func decode(_ json: String) throws -> UNet2DConditionConfig {
        try JSONDecoder().decode(UNet2DConditionConfig.self, from: Data(json.utf8))
    }

    @Test func missingKeysTakeDiffusersDefaults() throws {
        let config = try Self.decode("{}")
        #expect(config == UNet2DConditionConfig())
        #expect(config.blockOutChannels == [320, 640, 1280, 1280])
        #expect(config.layersPerBlock == .int(2) && config.attentionHeadDim == .int(8) && config.numAttentionHeads == nil)
        #expect(config.crossAttentionDim == .int(1280) && config.normNumGroups == 32 && config.normEps == 1e-5)
        #expect(config.flipSinToCos && config.freqShift == 0 && config.downsamplePadding == 1)
        #expect(config.midBlockType == "UNetMidBlock2DCrossAttn" && config.sampleSize == nil)
        try config.validate()
    }

    @Test func sd2FixtureConfigDecodes() throws {
        let url = try UNetFixtures.sd2PipelineFolder().appendingPathComponent("unet/config.json")
        let config = try UNet2DConditionConfig(contentsOf: url)
        #expect(config.attentionHeadDim == .list([1, 2, 4]))
        #expect(config.transformerLayersPerBlock == .list([2, 1, 1]))
        #expect(config.useLinearProjection && config.upcastAttention)
        #expect(!config.flipSinToCos && config.freqShift == 1)
        #expect(config.inChannels == 5 && config.outChannels == 3 && config.sampleSize == .int(8))
        #expect(config.unsupportedSettings == [])
        // Encoding keeps what was decoded.
        let again = try JSONDecoder().decode(UNet2DConditionConfig.self, from: JSONEncoder().encode(config))
        #expect(again == config)
    }

    /// Real SD 1.5 / 2.1 configs spell these as lists of off values or nulls; they are not refused.
    @Test func offValuesSpelledOutAreAccepted() throws {
        let config = try Self.decode("""
            {"only_cross_attention": [false, false, false, false], "mid_block_only_cross_attention": null,
             "resnet_out_scale_factor": 1.0, "attention_type": "default", "num_attention_heads": null,
             "dual_cross_attention": false, "class_embed_type": null, "dropout": 0.0}
            """)
        #expect(config.unsupportedSettings == [])
        try config.validate()
    }

    @Test(arguments: [
        (#"{"addition_embed_type": "text_time", "addition_time_embed_dim": 256}"#, "addition_embed_type: \"text_time\""),
        (#"{"class_embed_type": "timestep"}"#, "class_embed_type"),
        (#"{"num_class_embeds": 1000}"#, "num_class_embeds: 1000"),
        (#"{"only_cross_attention": true}"#, "only_cross_attention: true"),
        (#"{"only_cross_attention": [true, false, false, false]}"#, "only_cross_attention"),
        (#"{"dual_cross_attention": true}"#, "dual_cross_attention"),
        (#"{"encoder_hid_dim": 1024, "encoder_hid_dim_type": "text_proj"}"#, "encoder_hid_dim"),
        (#"{"resnet_time_scale_shift": "scale_shift"}"#, "resnet_time_scale_shift"),
        (#"{"act_fn": "gelu"}"#, "act_fn"),
        (#"{"mid_block_type": null}"#, "mid_block_type null"),
        (#"{"mid_block_type": "UNetMidBlock2D"}"#, "mid_block_type"),
        (#"{"mid_block_scale_factor": 1.4142}"#, "mid_block_scale_factor"),
        (#"{"time_embedding_type": "fourier"}"#, "time_embedding_type"),
        (#"{"time_cond_proj_dim": 256}"#, "time_cond_proj_dim"),
        (#"{"norm_num_groups": null}"#, "norm_num_groups"),
        (#"{"down_block_types": ["SimpleCrossAttnDownBlock2D", "DownBlock2D", "DownBlock2D", "DownBlock2D"]}"#, "SimpleCrossAttnDownBlock2D"),
        (#"{"up_block_types": ["UpBlock2D", "UpBlock2D", "UpBlock2D", "AttnUpBlock2D"]}"#, "AttnUpBlock2D"),
        (#"{"attention_head_dim": [8, 8]}"#, "attention_head_dim has 2 entries"),
        (#"{"attention_head_dim": 3}"#, "do not split into 3 attention heads"),
        (#"{"block_out_channels": [320, 640, 1280, 1290]}"#, "does not split into 32 groups"),
    ])
    func unsupportedSettingsAreRefusedByName(json: String, named: String) throws {
        let config = try Self.decode(json)
        let error = try #require(throws: WeightError.self) { try config.validate() }
        guard case .invalidConfiguration(let message) = error else {
            Issue.record("expected invalidConfiguration, got \(error)")
            return
        }
        #expect(message.contains(named), "\(message)")
        // The model refuses it too, before reading any weight.
        #expect(throws: WeightError.self) {
            try UNet2DConditionModel(config: config, weights: InMemoryTensorStore([:]))
        }
    }

    /// `num_attention_heads`, when set, gives the heads (`num_attention_heads ?? attention_head_dim`).
    @Test func numAttentionHeadsTakesPrecedence() throws {
        var config = try UNetFixtures.sd1Config()
        config.numAttentionHeads = config.attentionHeadDim
        config.attentionHeadDim = .int(5)  // would not split the channels
        let model = try UNet2DConditionModel(config: config, weights: InMemoryTensorStore(UNetFixtures.sd1Tensors()))
        #expect(try UNetFixtures.error(of: model, onCase: "sd1_t999") < 2e-6)  // as UNetParityTests
    }
}
