import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// `ControlNetModel` refuses weights that do not fit its config, naming the tensor, and inputs it cannot take,
/// saying what it expects.
@Suite struct ControlNetLoadingTests {
    static func build(_ tensors: [String: Tensor]) throws -> ControlNetModel {
        try ControlNetModel(config: ControlNetFixtures.sd1Config(), weights: InMemoryTensorStore(tensors))
    }

    @Test func missingTensorIsNamed() throws {
        var tensors = try ControlNetFixtures.sd1Tensors()
        tensors["controlnet_down_blocks.5.weight"] = nil
        #expect(throws: WeightError.missing(name: "controlnet_down_blocks.5.weight", expectedShape: [8, 8, 1, 1])) {
            try Self.build(tensors)
        }
        tensors = try ControlNetFixtures.sd1Tensors()
        tensors["controlnet_cond_embedding.blocks.5.bias"] = nil
        #expect(throws: WeightError.missing(name: "controlnet_cond_embedding.blocks.5.bias", expectedShape: [8])) {
            try Self.build(tensors)
        }
    }

    @Test func misShapedTensorIsNamed() throws {
        var tensors = try ControlNetFixtures.sd1Tensors()
        tensors["controlnet_cond_embedding.conv_out.weight"] = Tensor(zeros: [4, 8, 3, 2])
        #expect(throws: WeightError.shapeMismatch(
            name: "controlnet_cond_embedding.conv_out.weight", expected: [4, 8, 3, 3], actual: [4, 8, 3, 2])
        ) { try Self.build(tensors) }
    }

    @Test func extraTensorIsNamed() throws {
        var tensors = try ControlNetFixtures.sd1Tensors()
        tensors["controlnet_down_blocks.12.weight"] = Tensor(zeros: [8, 8, 1, 1])
        #expect(throws: WeightError.unexpected(names: ["controlnet_down_blocks.12.weight"])) { try Self.build(tensors) }
    }

    /// A pipeline folder (`model_index.json` + `controlnet/`, as StableDiffusionControlNetPipeline saves it) loads
    /// its `controlnet/`; a folder with only the fp16 variant loads without naming it.
    @Test func pipelineFoldersAndVariantsLoad() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write(#"{"_class_name": "StableDiffusionControlNetPipeline", "controlnet": ["diffusers", "ControlNetModel"]}"#,
                             to: "model_index.json")
        try FileManager.default.copyItem(at: ControlNetFixtures.sd1Folder(), to: folder.path("controlnet"))
        let model = try ControlNetModel(contentsOf: folder.url)
        #expect(model.config == (try ControlNetFixtures.sd1Config()) && model.residualCount == 13)
        let sd2 = try ControlNetModel(contentsOf: ControlNetFixtures.sd2Folder())
        #expect(sd2.config.globalPoolConditions)
    }

    @Test func conditionImageMustBeTheLatentSizeTimesEight() throws {
        let model = try ControlNetFixtures.sd1()
        let inputs = try ControlNetFixtures.inputs("sd1")
        func run(_ condition: Tensor, scales: [Float]? = nil) throws {
            _ = try model(
                inputs.sample, timestep: 10, encoderHiddenStates: inputs.encoderHiddenStates, condition: condition,
                scales: scales ?? model.residualScales())
        }
        let small = Tensor(zeros: [2, 3, 32, 32])
        let error = #expect(throws: ControlNetInputError.condition(shape: [2, 3, 32, 32], expected: [2, 3, 64, 64], factor: 8)) {
            try run(small)
        }
        #expect(error.map { "\($0)" }?.contains("times 8") == true)
        #expect(throws: ControlNetInputError.self) { try run(Tensor(zeros: [2, 1, 64, 64])) }  // gray, not RGB
        #expect(throws: ControlNetInputError.self) { try run(Tensor(zeros: [1, 3, 64, 64])) }  // another batch
        #expect(throws: ControlNetInputError.scaleCount(actual: 12, expected: 13)) {
            try run(inputs.condition, scales: Array(repeating: 1, count: 12))
        }
    }

    @Test func latentsAndTextEmbeddingsMustFit() throws {
        let model = try ControlNetFixtures.sd1()
        let inputs = try ControlNetFixtures.inputs("sd1")
        #expect(throws: ControlNetInputError.sample(shape: [2, 9, 8, 8], inChannels: 4)) {
            try model(Tensor(zeros: [2, 9, 8, 8]), timestep: 1, encoderHiddenStates: inputs.encoderHiddenStates,
                      condition: inputs.condition)
        }
        #expect(throws: ControlNetInputError.encoderHiddenStates(shape: [2, 5, 16], batch: 2, width: 8)) {
            try model(inputs.sample, timestep: 1, encoderHiddenStates: Tensor(zeros: [2, 5, 16]), condition: inputs.condition)
        }
    }
}
