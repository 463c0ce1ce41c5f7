import DepthAnnotator
import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// The original MiDaS checkpoint layout (what controlnet_aux downloads): Depth_midas_hybrid.pt is the tiny
/// DPT-hybrid fixture saved with torch.save under MiDaS's names (Tests/Reference/make_depth_fixtures.py; its
/// renaming was checked to invert transformers' convert_dpt_hybrid_to_pytorch.rename_key on every tensor).
@Suite struct DepthMiDaSCheckpointTests {
    static let folder = FixtureFolder(.module, writtenBy: "make_depth_fixtures.py")

    @Test func midasCheckpointGivesTheSameTensorsAsTheTransformersFolder() throws {
        let midas = try MiDaSTensorStore.store(
            ComponentFolder.singleComponent(at: Self.folder.url("Depth_midas_hybrid.pt"), network: "MiDaS checkpoint"))
        let folder = try Self.folder.url("Depth_dpt_hybrid")
        let converted = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))
        #expect(Set(midas.tensorNames) == Set(converted.tensorNames))
        for name in converted.tensorNames {
            #expect(try midas.tensor(named: name) == converted.tensor(named: name), "\(name)")
        }
    }

    @Test func midasCheckpointRunsLikeTheTransformersModel() throws {
        let config = try DPTConfig(contentsOf: Self.folder.url("Depth_dpt_hybrid").appendingPathComponent("config.json"))
        let model = try DPTForDepthEstimation(midasCheckpoint: Self.folder.url("Depth_midas_hybrid.pt"), config: config)
        let fixture = try ReferenceFixture("Depth_outputs.safetensors", in: .module)
        let depth = try model(try fixture.tensor("dpt_hybrid.square.input"))
        // Same weights as the folder: DepthNetworkTests measures 9.8e-7 of the range for this case.
        #expect(maxRelativeError(depth, try fixture.tensor("dpt_hybrid.square.predicted_depth")) <= 2e-6)
    }

    @Test func unknownNamesAreRefusedByName() throws {
        #expect(MiDaSTensorStore.transformersName("pretrained.model.blocks.3.attn.qkv.weight") == nil)
        #expect(MiDaSTensorStore.transformersName("scratch.refinenet4.resConfUnit2.conv1.bias")
                == "neck.fusion_stage.layers.0.residual_layer2.convolution1.bias")
        #expect(MiDaSTensorStore.transformersName("pretrained.model.patch_embed.backbone.stages.2.blocks.8.downsample.norm.weight")
                == "dpt.embeddings.backbone.bit.encoder.stages.2.layers.8.downsample.norm.weight")
        #expect(MiDaSTensorStore.transformersName("scratch.refinenet5.out_conv.weight") == nil)
        #expect(MiDaSTensorStore.transformersName("pretrained.model.blocks.0.ls1.gamma") == nil)
    }

    /// The default configuration is transformers' DPTConfig for MiDaS hybrid checkpoints.
    @Test func midasHybridConfigurationIsTheConvertedOne() {
        let config = DPTConfig.midasHybrid
        #expect(config.isHybrid && config.hiddenSize == 768 && config.numHiddenLayers == 12)
        #expect(config.neckHiddenSizes == [256, 512, 768, 768] && config.reassembleFactors == [1, 1, 1, 0.5])
        #expect(config.backboneOutIndices == [2, 5, 8, 11] && config.imageSize == 384 && config.patchSize == 16)
        #expect(config.backboneConfig?.depths == [3, 4, 9] && config.backboneConfig?.embeddingSize == 64)
        #expect(config.backboneFeatmapShape == [1, 1024, 24, 24])
    }
}

/// Loading failures name what is wrong.
@Suite struct DepthLoadingErrorTests {
    static let folder = FixtureFolder(.module, writtenBy: "make_depth_fixtures.py")

    static func tensors(_ model: String) throws -> (DPTConfig?, DepthAnythingConfig?, [String: Tensor]) {
        let url = try folder.url(model)
        let file = try SafetensorsFile(contentsOf: url.appendingPathComponent("model.safetensors"))
        var tensors: [String: Tensor] = [:]
        for name in file.tensorNames { tensors[name] = try file.tensor(named: name) }
        let config = url.appendingPathComponent("config.json")
        return model.contains("dpt")
            ? (try DPTConfig(contentsOf: config), nil, tensors) : (nil, try DepthAnythingConfig(contentsOf: config), tensors)
    }

    @Test func missingTensorIsNamed() throws {
        let (dpt, _, all) = try Self.tensors("Depth_dpt_hybrid")
        let config = try #require(dpt)
        var tensors = all
        let name = "dpt.embeddings.backbone.bit.encoder.stages.1.layers.0.conv2.weight"
        tensors[name] = nil
        #expect(throws: WeightError.missing(name: name, expectedShape: [8, 8, 3, 3])) {
            try DPTForDepthEstimation(config: config, weights: InMemoryTensorStore(tensors))
        }
    }

    @Test func unexpectedTensorIsNamed() throws {
        let (_, anything, all) = try Self.tensors("Depth_depth_anything")
        let config = try #require(anything)
        var tensors = all
        tensors["head.conv4.weight"] = Tensor(zeros: [1])
        #expect(throws: WeightError.unexpected(names: ["head.conv4.weight"])) {
            try DepthAnythingForDepthEstimation(config: config, weights: InMemoryTensorStore(tensors))
        }
    }

    @Test func unsupportedSettingsAreRefused() throws {
        let anything = try Self.tensors("Depth_depth_anything")
        var config = try #require(anything.1)
        config.backbone.useSwigluFFN = true
        #expect(throws: WeightError.self) {
            try DepthAnythingForDepthEstimation(config: config, weights: InMemoryTensorStore(anything.2))
        }
        let large = try Self.tensors("Depth_dpt_large")
        var dpt = try #require(large.0)
        dpt.hiddenAct = "relu"
        #expect(throws: WeightError.self) { try DPTForDepthEstimation(config: dpt, weights: InMemoryTensorStore(large.2)) }
    }
}
