import EaselDiffusion
import Foundation
import Testing

/// `CLIPTextConfig` decoding: keys as transformers writes them, class defaults for missing keys.
@Suite struct TextEncoderConfigTests {
    static func decode(_ json: String) throws -> CLIPTextConfig {
        try JSONDecoder().decode(CLIPTextConfig.self, from: Data(json.utf8))
    }

    @Test func missingKeysTakeTheTransformersDefaults() throws {
        let config = try Self.decode("{}")
        #expect(config == CLIPTextConfig())
        #expect(config.vocabSize == 49408 && config.hiddenSize == 512 && config.intermediateSize == 2048)
        #expect(config.numHiddenLayers == 12 && config.numAttentionHeads == 8 && config.maxPositionEmbeddings == 77)
        #expect(config.hiddenAct == "quick_gelu" && config.layerNormEps == 1e-5 && config.projectionDim == 512)
        #expect(config.eosTokenIds == [49407] && config.bosTokenId == 49406 && config.padTokenId == 1)
    }

    /// The SD 1.5 `text_encoder/config.json` (transformers 4 wrote it; eos 2 is the pre-#24773 value).
    @Test func decodesTheSD15TextEncoderConfig() throws {
        let config = try Self.decode(
            """
            {"_name_or_path": "openai/clip-vit-large-patch14", "architectures": ["CLIPTextModel"],
             "attention_dropout": 0.0, "bos_token_id": 0, "dropout": 0.0, "eos_token_id": 2,
             "hidden_act": "quick_gelu", "hidden_size": 768, "initializer_factor": 1.0,
             "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05,
             "max_position_embeddings": 77, "model_type": "clip_text_model", "num_attention_heads": 12,
             "num_hidden_layers": 12, "pad_token_id": 1, "projection_dim": 768, "torch_dtype": "float32",
             "transformers_version": "4.22.0.dev0", "vocab_size": 49408}
            """)
        #expect(config.hiddenSize == 768 && config.numAttentionHeads == 12 && config.intermediateSize == 3072)
        #expect(config.eosTokenIds == [2] && config.bosTokenId == 0 && config.projectionDim == 768)
        #expect(try config.activation == .quickGELU)
        try config.validate()
    }

    @Test func eosTokenIdMayBeAListOrNull() throws {
        #expect(try Self.decode(#"{"eos_token_id": [49407, 2]}"#).eosTokenIds == [49407, 2])
        #expect(try Self.decode(#"{"eos_token_id": null}"#).eosTokenIds == nil)
        #expect(try Self.decode(#"{"projection_dim": null}"#).projectionDim == nil)
        // Round trip through the encoder keeps the values.
        var config = CLIPTextConfig()
        config.hiddenAct = "gelu"
        config.eosTokenIds = [7]
        let copy = try JSONDecoder().decode(CLIPTextConfig.self, from: JSONEncoder().encode(config))
        #expect(copy == config)
    }

    @Test func invalidConfigurationsAreErrors() throws {
        let gelu = try Self.decode(#"{"hidden_act": "gelu"}"#)
        #expect(try gelu.activation == .gelu)
        #expect(throws: WeightError.self) { try Self.decode(#"{"hidden_act": "swish"}"#).validate() }
        #expect(throws: WeightError.invalidConfiguration("hidden_size 50 is not a multiple of num_attention_heads 8")) {
            try Self.decode(#"{"hidden_size": 50}"#).validate()
        }
        #expect(throws: WeightError.self) { try Self.decode(#"{"vocab_size": 0}"#).validate() }
    }
}

/// `CLIPTextConfig(inferringFrom:)` for single files without a config.json.
@Suite struct TextEncoderConfigInferenceTests {
    @Test(arguments: TextEncoderFixtures.modelNames)
    func shapesGiveTheSizes(model: String) throws {
        let saved = try TextEncoderFixtures.config(model)
        let store = InMemoryTensorStore(try TextEncoderFixtures.tensors(model))
        let inferred = try CLIPTextConfig(inferringFrom: store, headDimension: 8, hiddenAct: saved.hiddenAct)
        #expect(inferred.vocabSize == saved.vocabSize && inferred.hiddenSize == saved.hiddenSize)
        #expect(inferred.intermediateSize == saved.intermediateSize && inferred.numHiddenLayers == saved.numHiddenLayers)
        #expect(inferred.maxPositionEmbeddings == saved.maxPositionEmbeddings)
        #expect(inferred.numAttentionHeads == saved.numAttentionHeads && inferred.hiddenAct == saved.hiddenAct)
        // The inferred configuration builds the same model.
        _ = try CLIPTextModel(config: inferred, weights: store)
    }

    @Test func gapsAndBadHeadSizesAreErrors() throws {
        var tensors = try TextEncoderFixtures.tensors("gelu")
        #expect(throws: WeightError.invalidConfiguration("width 48 does not split into heads of 64")) {
            try CLIPTextConfig(inferringFrom: InMemoryTensorStore(tensors))
        }
        for name in tensors.keys where name.hasPrefix("encoder.layers.1.") { tensors[name] = nil }
        #expect(throws: WeightError.invalidConfiguration("text encoder layers are not numbered 0..<3: [0, 2]")) {
            try CLIPTextConfig(inferringFrom: InMemoryTensorStore(tensors), headDimension: 8)
        }
        #expect(throws: WeightError.missing(name: "embeddings.token_embedding.weight", expectedShape: nil)) {
            try CLIPTextConfig(inferringFrom: InMemoryTensorStore([:]))
        }
    }
}
