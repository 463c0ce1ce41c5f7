import EaselDiffusion
import EaselTestSupport
import Foundation
import Testing

/// `ControlNetConfig`: diffusers' `ControlNetModel` keys and defaults, the UNet encoder checks reused, and the
/// refusal of what Easel does not build (BGR condition images, SDXL-style added embeddings).
@Suite struct ControlNetConfigTests {
    static func decode(_ json: String) throws -> ControlNetConfig {
        try JSONDecoder().decode(ControlNetConfig.self, from: Data(json.utf8))
    }

    static func invalidConfigurationMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
        } catch WeightError.invalidConfiguration(let message) {
            return message
        } catch {
            return "unexpected error \(error)"
        }
        return nil
    }

    @Test func missingKeysTakeDiffusersDefaults() throws {
        let config = try Self.decode("{}")
        #expect(config == ControlNetConfig())
        // ControlNetModel.__init__ (diffusers 0.42.1).
        #expect(config.encoder.inChannels == 4 && config.conditioningChannels == 3)
        #expect(config.encoder.blockOutChannels == [320, 640, 1280, 1280])
        #expect(config.encoder.downBlockTypes == ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        #expect(config.encoder.layersPerBlock == .int(2) && config.encoder.attentionHeadDim == .int(8))
        #expect(config.encoder.crossAttentionDim == .int(1280) && config.encoder.normNumGroups == 32)
        #expect(config.encoder.flipSinToCos && config.encoder.freqShift == 0 && !config.encoder.useLinearProjection)
        #expect(config.conditioningEmbeddingOutChannels == [16, 32, 96, 256])
        #expect(config.conditioningChannelOrder == "rgb" && !config.globalPoolConditions)
        #expect(config.conditioningDownsamplingFactor == 8)
        try config.validate()
    }

    @Test func fixtureConfigDecodesAndEncodesBack() throws {
        let config = try ControlNetFixtures.sd1Config()
        #expect(config.encoder.blockOutChannels == [4, 8, 8, 8] && config.encoder.layersPerBlock == .int(2))
        #expect(config.encoder.crossAttentionDim == .int(8) && config.encoder.attentionHeadDim == .int(2))
        #expect(config.encoder.normNumGroups == 2 && config.conditioningEmbeddingOutChannels == [4, 4, 8, 8])
        #expect(config.encoder.unsupportedSettings == [])
        let sd2 = try ControlNetConfig(contentsOf: ControlNetFixtures.sd2Folder().appendingPathComponent("config.json"))
        #expect(sd2.globalPoolConditions && sd2.encoder.upcastAttention && !sd2.encoder.flipSinToCos)
        #expect(sd2.encoder.attentionHeadDim == .list([1, 2, 4]) && sd2.encoder.transformerLayersPerBlock == .list([2, 1, 1]))

        // Encoding writes diffusers' ControlNet keys only, and reads back the same config.
        let data = try JSONEncoder().encode(sd2)
        let keys = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        #expect(keys.contains("global_pool_conditions") && keys.contains("conditioning_embedding_out_channels"))
        #expect(!keys.contains("up_block_types") && !keys.contains("conv_in_kernel") && !keys.contains("sample_size"))
        #expect(try JSONDecoder().decode(ControlNetConfig.self, from: data) == sd2)
    }

    /// UNet keys ControlNetModel does not have are ignored, as diffusers ignores them: its conv_in is 3x3 and its
    /// time embedding 4 x block_out_channels[0] whatever a config says.
    @Test func unetOnlyKeysAreIgnored() throws {
        let config = try Self.decode("""
            {"conv_in_kernel": 5, "time_embedding_dim": 7, "center_input_sample": true, "dual_cross_attention": true,
             "sample_size": 32, "up_block_types": ["Nonsense"]}
            """)
        #expect(config == ControlNetConfig())
        try config.validate()
    }

    @Test func bgrChannelOrderIsRefusedByName() throws {
        let config = try Self.decode(#"{"controlnet_conditioning_channel_order": "bgr"}"#)
        let message = Self.invalidConfigurationMessage { try config.validate() }
        #expect(message?.contains("controlnet_conditioning_channel_order \"bgr\" is not supported") == true)
        // Loading refuses it before reading a tensor.
        var tiny = try ControlNetFixtures.sd1Config()
        tiny.conditioningChannelOrder = "bgr"
        let tensors = try ControlNetFixtures.sd1Tensors()
        #expect(throws: WeightError.self) { try ControlNetModel(config: tiny, weights: InMemoryTensorStore(tensors)) }
        let unknown = try Self.decode(#"{"controlnet_conditioning_channel_order": "rgba"}"#)
        #expect(Self.invalidConfigurationMessage { try unknown.validate() }?.contains("\"rgba\"") == true)
    }

    @Test func unsupportedSettingsAreRefusedByName() throws {
        let cases: [(String, String)] = [
            (#"{"addition_embed_type": "text_time"}"#, "addition_embed_type"),
            (#"{"class_embed_type": "timestep"}"#, "class_embed_type"),
            (#"{"mid_block_type": "UNetMidBlock2D"}"#, "mid_block_type"),
            (#"{"conditioning_embedding_out_channels": []}"#, "conditioning_embedding_out_channels"),
            (#"{"conditioning_channels": 0}"#, "conditioning_channels"),
            (#"{"block_out_channels": [320, 640], "down_block_types": ["DownBlock2D"]}"#, "block_out_channels"),
        ]
        for (json, key) in cases {
            let message = Self.invalidConfigurationMessage { try Self.decode(json).validate() }
            #expect(message?.hasPrefix("ControlNet config: ") == true, "\(json): \(message ?? "accepted")")
            #expect(message?.contains(key) == true, "\(json): \(message ?? "accepted")")
        }
        #expect(throws: WeightError.self) { try Self.decode(#"{"conditioning_embedding_out_channels": null}"#) }
    }
}
