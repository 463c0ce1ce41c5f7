import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// Loading a UNet's weights: every tensor is required with its shape, and leftovers are refused, each error
/// naming the tensor.
@Suite struct UNetLoadingTests {
    static func build(_ tensors: [String: Tensor]) throws -> UNet2DConditionModel {
        try UNet2DConditionModel(config: UNetFixtures.sd1Config(), weights: InMemoryTensorStore(tensors))
    }

    @Test func missingTensorIsNamed() throws {
        var tensors = try UNetFixtures.sd1Tensors()
        let name = "up_blocks.2.attentions.1.transformer_blocks.0.attn2.to_k.weight"
        #expect(tensors.removeValue(forKey: name) != nil)
        #expect(throws: WeightError.missing(name: name, expectedShape: [8, 12])) { try Self.build(tensors) }
    }

    @Test func wrongShapeIsNamed() throws {
        var tensors = try UNetFixtures.sd1Tensors()
        let name = "down_blocks.1.resnets.0.conv1.weight"
        tensors[name] = Tensor(zeros: [16, 8, 3, 1])
        #expect(throws: WeightError.shapeMismatch(name: name, expected: [16, 8, 3, 3], actual: [16, 8, 3, 1])) {
            try Self.build(tensors)
        }
    }

    @Test func unusedTensorIsNamed() throws {
        var tensors = try UNetFixtures.sd1Tensors()
        tensors["add_embedding.linear_1.weight"] = Tensor(zeros: [4, 4])
        #expect(throws: WeightError.unexpected(names: ["add_embedding.linear_1.weight"])) { try Self.build(tensors) }
    }

    /// A pipeline folder without a `unet/` is an error, not an empty model.
    @Test func folderWithoutUNetIsAnError() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("{}", to: "model_index.json")
        #expect(throws: (any Error).self) { try UNet2DConditionModel(contentsOf: folder.url) }
    }
}
