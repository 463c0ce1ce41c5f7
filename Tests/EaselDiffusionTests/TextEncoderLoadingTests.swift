import EaselDiffusion
import EaselTensor
import Foundation
import Testing

/// Loading the text model: both key layouts, a pipeline folder, and errors that name the tensor.
@Suite struct TextEncoderLoadingTests {
    @Test func prefixedAndBareKeysLoadAlike() throws {
        // The gelu fixture has bare keys; the same weights under `text_model.` must give the same model.
        let bare = try TextEncoderFixtures.tensors("gelu")
        var prefixed: [String: Tensor] = [:]
        for (name, tensor) in bare { prefixed["text_model." + name] = tensor }
        prefixed["text_model.embeddings.position_ids"] = Tensor(shape: [1, 77], scalars: (0..<77).map(Float.init))
        let config = try TextEncoderFixtures.config("gelu")
        let fromBare = try CLIPTextModel(config: config, weights: InMemoryTensorStore(bare))
        let fromPrefixed = try CLIPTextModel(config: config, weights: InMemoryTensorStore(prefixed))
        #expect(!fromBare.usedTextModelPrefix && fromPrefixed.usedTextModelPrefix)
        let ids: [[Int32]] = [[997, 10, 20, 998, 0, 0]]
        #expect(try fromBare.encode(ids) == fromPrefixed.encode(ids))
    }

    @Test func loadsTheTextEncoderOfAPipelineFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-text-encoder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TextEncoderFixtures.folder("quickgelu"), to: folder.appendingPathComponent("text_encoder"))
        try Data(#"{"_class_name": "StableDiffusionPipeline", "text_encoder": ["transformers", "CLIPTextModel"]}"#.utf8)
            .write(to: folder.appendingPathComponent("model_index.json"))
        let model = try CLIPTextModel(contentsOf: folder)
        #expect(model.config.numHiddenLayers == 3 && model.config.hiddenAct == "quick_gelu")
        #expect(model.usedTextModelPrefix)
    }

    @Test func misshapedTensorIsNamed() throws {
        var tensors = try TextEncoderFixtures.tensors("gelu")
        tensors["encoder.layers.1.mlp.fc1.weight"] = Tensor(zeros: [81, 48])
        #expect(throws: WeightError.shapeMismatch(name: "encoder.layers.1.mlp.fc1.weight", expected: [80, 48], actual: [81, 48])) {
            try CLIPTextModel(config: TextEncoderFixtures.config("gelu"), weights: InMemoryTensorStore(tensors))
        }
    }

    @Test func missingTensorIsNamed() throws {
        var tensors = try TextEncoderFixtures.tensors("quickgelu")
        tensors["text_model.encoder.layers.2.self_attn.v_proj.bias"] = nil
        #expect(throws: WeightError.missing(name: "text_model.encoder.layers.2.self_attn.v_proj.bias", expectedShape: [32])) {
            try CLIPTextModel(config: TextEncoderFixtures.config("quickgelu"), weights: InMemoryTensorStore(tensors))
        }
    }

    @Test func unexpectedTensorsAreNamed() throws {
        let config = try TextEncoderFixtures.config("quickgelu")
        var tensors = try TextEncoderFixtures.tensors("quickgelu")
        // A fourth layer the 3-layer config does not have.
        tensors["text_model.encoder.layers.3.layer_norm1.weight"] = Tensor(zeros: [32])
        // A bare-key buffer beside prefixed weights is not the buffer the layout allows.
        tensors["embeddings.position_ids"] = Tensor(zeros: [1, 77])
        #expect(
            throws: WeightError.unexpected(names: ["embeddings.position_ids", "text_model.encoder.layers.3.layer_norm1.weight"])
        ) {
            try CLIPTextModel(config: config, weights: InMemoryTensorStore(tensors))
        }
        // A projection (CLIPTextModelWithProjection) is not part of CLIPTextModel.
        var withProjection = try TextEncoderFixtures.tensors("gelu")
        withProjection["text_projection.weight"] = Tensor(zeros: [24, 48])
        #expect(throws: WeightError.unexpected(names: ["text_projection.weight"])) {
            try CLIPTextModel(config: TextEncoderFixtures.config("gelu"), weights: InMemoryTensorStore(withProjection))
        }
    }

    @Test func badInputIsAnErrorNotACrash() throws {
        let model = try CLIPTextModel(contentsOf: TextEncoderFixtures.folder("gelu"))
        #expect(throws: CLIPTextModelError.tokenOutOfRange(id: 1000, row: 1, position: 2, vocabularySize: 1000)) {
            try model.encode([[1, 2, 3], [4, 5, 1000]])
        }
        #expect(throws: CLIPTextModelError.tokenOutOfRange(id: -1, row: 0, position: 0, vocabularySize: 1000)) {
            try model.encode([[-1]])
        }
        #expect(throws: CLIPTextModelError.sequenceTooLong(length: 78, maximum: 77)) {
            try model.encode([Array(repeating: 5, count: 78)])
        }
        #expect(throws: CLIPTextModelError.raggedBatch(lengths: [2, 3])) { try model.encode([[1, 2], [1, 2, 3]]) }
        #expect(throws: CLIPTextModelError.emptyBatch) { try model.encode([]) }
        #expect(throws: CLIPTextModelError.clipSkipOutOfRange(clipSkip: 4, layers: 3)) {
            try model.encode([[1, 2]], clipSkip: 4)
        }
        #expect(throws: CLIPTextModelError.clipSkipOutOfRange(clipSkip: -1, layers: 3)) {
            try model.encode([[1, 2]], clipSkip: -1)
        }
        // Sequences shorter than the position table are fine (positions 0..<L), as in transformers.
        #expect(try model.encode([[997, 1, 998]]).shape == [1, 3, 48])
    }
}
