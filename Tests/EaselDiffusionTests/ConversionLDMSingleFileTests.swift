import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// LDM single files -> diffusers names, against diffusers' own converters (`convert_ldm_unet_checkpoint`,
/// `convert_ldm_vae_checkpoint`, `convert_ldm_clip_checkpoint`, `convert_controlnet_checkpoint`) on tiny
/// random SD 1.x-like models (Tests/Reference/make_conversion_fixtures.py). Every weight is fp16 in both
/// files and renaming copies nothing, so names and values must be equal exactly.
@Suite struct ConversionLDMSingleFileTests {
    static func singleFile(_ name: String) throws -> CheckpointComponent {
        let fixture = try ReferenceFixture(name, in: .module)
        let inventory = try CheckpointInventory(contentsOf: fixture.file.url)
        return try #require(inventory.components.first)
    }

    static func referenceFixture() throws -> ReferenceFixture {
        try ReferenceFixture("Conversion_reference.safetensors", in: .module)
    }

    /// Names of `store` that differ from diffusers' for `component`, and tensors whose values differ.
    /// `referenceName` maps a converted name to the reference's (the text encoder reference lacks `text_model.`,
    /// as transformers >= 5.6 flattened `CLIPTextModel`).
    static func differences(
        _ store: any TensorStore, component: String, referenceName: (String) -> String = { $0 }
    ) throws -> [String] {
        let reference = try Self.referenceFixture()
        let prefix = component + "/"
        let expected = Set(reference.file.tensorNames.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
        #expect(expected.count > 30)
        let converted = Set(store.tensorNames.map(referenceName))
        var problems = expected.subtracting(converted).sorted().map { "missing \($0)" }
            + converted.subtracting(expected).sorted().map { "extra \($0)" }
        for name in store.tensorNames where expected.contains(referenceName(name)) {
            let actual = try store.tensor(named: name)
            let wanted = try reference.tensor(prefix + referenceName(name))
            // LDM 1x1 convolutions stand for diffusers' linear layers (the VAE attention): same values.
            if actual.shape.filter({ $0 != 1 }) != wanted.shape.filter({ $0 != 1 }) {
                problems.append("\(name): shape \(actual.shape) vs \(wanted.shape)")
            } else if actual.scalars != wanted.scalars {
                problems.append("\(name): values differ")
            }
        }
        return problems
    }

    @Test func sd1CheckpointConvertsToDiffusersNamesAndValues() throws {
        let file = try LDMSingleFile(Self.singleFile("Conversion_sd1_ldm.safetensors"))
        let unet = try #require(file.unet)
        let vae = try #require(file.vae)
        let text = try #require(file.textEncoder)
        #expect(file.controlNet == nil)
        #expect(try Self.differences(unet.weights, component: "unet") == [])
        #expect(try Self.differences(vae.weights, component: "vae") == [])
        #expect(try Self.differences(text.weights, component: "text_encoder") { String($0.dropFirst("text_model.".count)) } == [])
        #expect(text.weights.tensorNames.allSatisfy { $0.hasPrefix("text_model.") })
        #expect(file.unknownTensorNames == [])
        #expect(file.ignoredTensorNames == [
            "alphas_cumprod", "alphas_cumprod_prev", "betas",
            "cond_stage_model.transformer.text_model.embeddings.position_ids",
            "model_ema.decay", "model_ema.diffusion_modeltime_embed0weight", "model_ema.num_updates",
        ])
    }

    @Test func sd1ShapesAreInferredAsTheDiffusersConfigs() throws {
        let reference = try Self.referenceFixture()
        let file = try LDMSingleFile(Self.singleFile("Conversion_sd1_ldm.safetensors"))
        let unet = try #require(file.unet).shape
        #expect(unet.blockOutChannels == (try reference.ints("unet.block_out_channels")))
        #expect(unet.layersPerBlock == (try reference.int("unet.layers_per_block")))
        #expect(unet.inChannels == (try reference.int("unet.in_channels")))
        #expect(unet.outChannels == (try reference.int("unet.out_channels")))
        #expect(unet.crossAttentionDim == (try reference.int("unet.cross_attention_dim")))
        #expect(unet.downBlockTypes.joined(separator: ",") == (try reference.string("unet.down_block_types")))
        #expect(unet.upBlockTypes.joined(separator: ",") == (try reference.string("unet.up_block_types")))
        #expect(!unet.useLinearProjection)
        #expect(unet.transformerLayersPerBlock == [1, 1, 1])
        #expect(unet.attentionHeadDim == [8, 8, 8])  // the SD 1.x convention, not the tiny model's 2
        #expect(unet.timeEmbeddingDim == 4 * unet.blockOutChannels[0])

        let vae = try #require(file.vae).shape
        #expect(vae.blockOutChannels == (try reference.ints("vae.block_out_channels")))
        #expect(vae.layersPerBlock == (try reference.int("vae.layers_per_block")))
        #expect(vae.latentChannels == (try reference.int("vae.latent_channels")))
        #expect(vae.inChannels == (try reference.int("vae.in_channels")))
        #expect(vae.outChannels == (try reference.int("vae.out_channels")))
        #expect(vae.midBlockHasAttention)
        #expect(vae.scalingFactor == 0.18215)

        let text = try #require(file.textEncoder).shape
        #expect(text.hiddenSize == (try reference.int("text_encoder.hidden_size")))
        #expect(text.intermediateSize == (try reference.int("text_encoder.intermediate_size")))
        #expect(text.numHiddenLayers == (try reference.int("text_encoder.num_hidden_layers")))
        #expect(text.vocabSize == (try reference.int("text_encoder.vocab_size")))
        #expect(text.maxPositionEmbeddings == (try reference.int("text_encoder.max_position_embeddings")))
    }

    @Test func sd2StyleUNetAndOpenCLIPConvert() throws {
        let reference = try Self.referenceFixture()
        let file = try LDMSingleFile(Self.singleFile("Conversion_sd2_ldm.safetensors"))
        #expect(file.vae == nil && file.controlNet == nil)
        let unet = try #require(file.unet)
        #expect(try Self.differences(unet.weights, component: "unet_sd2") == [])
        #expect(unet.shape.inChannels == 9)
        #expect(unet.shape.inChannels == (try reference.int("unet_sd2.in_channels")))
        #expect(unet.shape.blockOutChannels == (try reference.ints("unet_sd2.block_out_channels")))
        #expect(unet.shape.layersPerBlock == (try reference.int("unet_sd2.layers_per_block")))
        #expect(unet.shape.crossAttentionDim == (try reference.int("unet_sd2.cross_attention_dim")))
        #expect(unet.shape.useLinearProjection)
        #expect(unet.shape.transformerLayersPerBlock == [2, 2])
        #expect(unet.shape.upBlockTypes == ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"])
        #expect(unet.shape.attentionHeadDim == [1, 1])  // channels / 64 (at least 1): the SD 2.x convention

        // OpenCLIP: fused q/k/v split, the last resblock (SD 2.x's skipped layer) and projection ignored.
        let text = try #require(file.textEncoder)
        #expect(try Self.differences(text.weights, component: "text_encoder_sd2") { String($0.dropFirst("text_model.".count)) } == [])
        #expect(text.shape.numHiddenLayers == 2)
        #expect(text.shape.hiddenSize == 8 && text.shape.intermediateSize == 32 && text.shape.vocabSize == 256)
        #expect(text.shape.hiddenAct == "gelu")
        #expect(file.unknownTensorNames == [])
        let prefix = LDMSingleFile.openCLIPTextEncoderPrefix
        #expect(file.ignoredTensorNames.count == 14)
        #expect(file.ignoredTensorNames.allSatisfy {
            $0.hasPrefix(prefix + "transformer.resblocks.2.") || $0 == prefix + "text_projection" || $0 == prefix + "logit_scale"
        })
    }

    @Test func controlNetFileConvertsWithAndWithoutPrefix() throws {
        let reference = try Self.referenceFixture()
        let stored = try Self.singleFile("Conversion_controlnet_ldm.safetensors")
        let file = try LDMSingleFile(stored)
        #expect(file.unet == nil && file.vae == nil && file.textEncoder == nil)
        let controlNet = try #require(file.controlNet)
        #expect(try Self.differences(controlNet.weights, component: "controlnet") == [])
        let shape = controlNet.shape
        #expect(shape.conditioningChannels == (try reference.int("controlnet.conditioning_channels")))
        #expect(shape.conditioningEmbeddingOutChannels == (try reference.ints("controlnet.conditioning_embedding_out_channels")))
        #expect(shape.blockOutChannels == (try reference.ints("controlnet.block_out_channels")))
        #expect(shape.layersPerBlock == (try reference.int("controlnet.layers_per_block")))
        #expect(shape.crossAttentionDim == (try reference.int("controlnet.cross_attention_dim")))
        #expect(shape.downBlockTypes.joined(separator: ",") == (try reference.string("controlnet.down_block_types")))
        #expect(file.unknownTensorNames == [])

        // The same tensors without `control_model.` (files like thibaud/controlnet-sd21) convert alike.
        let prefix = LDMSingleFile.controlNetPrefix
        let bare = RenamedTensorStore(
            base: stored, names: Dictionary(uniqueKeysWithValues: stored.tensorNames.map { (String($0.dropFirst(prefix.count)), $0) }))
        let unprefixed = try #require(try LDMSingleFile(bare).controlNet)
        #expect(unprefixed.shape == shape)
        #expect(try Self.differences(unprefixed.weights, component: "controlnet") == [])
    }

    @Test func convertedVAEAttentionLoadsAsLinearLayers() throws {
        let vae = try #require(try LDMSingleFile(Self.singleFile("Conversion_sd1_ldm.safetensors")).vae)
        let channels = vae.shape.blockOutChannels.last ?? 0
        let attention = WeightLoader(vae.weights).scope("decoder.mid_block.attentions.0")
        #expect(attention.shape(of: "to_q.weight") == [channels, channels, 1, 1])
        let q = try Linear(loading: attention.scope("to_q"), inFeatures: channels, outFeatures: channels)
        #expect(q.weight.shape == [channels, channels])
    }

    @Test func unknownTensorsAreReportedAndBrokenLayoutsNamed() throws {
        let stored = try Self.singleFile("Conversion_sd2_ldm.safetensors")
        var tensors: [String: Tensor] = [:]
        for name in stored.tensorNames { tensors[name] = try stored.tensor(named: name) }
        tensors["model.diffusion_model.label_emb.0.0.weight"] = Tensor(zeros: [2, 2])
        tensors["model.diffusion_model.input_blocks.1.0.in_layers.1.weight"] = Tensor(zeros: [2])
        tensors["cond_stage_model.model.transformer.resblocks.0.attn.in_proj.weight"] = Tensor(zeros: [2])
        tensors["conditioner.embedders.0.transformer.text_model.final_layer_norm.weight"] = Tensor(zeros: [2])
        tensors["sqrt_alphas_cumprod"] = Tensor(zeros: [2])
        let file = try LDMSingleFile(InMemoryTensorStore(tensors))
        #expect(file.unknownTensorNames == [
            "cond_stage_model.model.transformer.resblocks.0.attn.in_proj.weight",
            "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight",
            "model.diffusion_model.input_blocks.1.0.in_layers.1.weight",
            "model.diffusion_model.label_emb.0.0.weight",
        ])
        #expect(file.ignoredTensorNames.contains("sqrt_alphas_cumprod"))

        tensors["model.diffusion_model.input_blocks.0.0.weight"] = nil
        #expect(throws: WeightError.missing(name: "model.diffusion_model.input_blocks.0.0.weight", expectedShape: nil)) {
            try LDMSingleFile(InMemoryTensorStore(tensors))
        }
    }

    @Test func tableRulesPreferTheLongestPrefixAndCheckTheRemainder() {
        let table = KeyMappingTable([
            .init("output_blocks.2.1.", "up_blocks.0.attentions.2.", .unchanged),
            .init("output_blocks.2.1.conv.", "up_blocks.0.upsamplers.0.conv.", .parameters),
            .init("input_blocks.1.0.", "down_blocks.0.resnets.0.", .renamed([.init("in_layers.0.", "norm1.")])),
        ])
        #expect(table.targetName(for: "output_blocks.2.1.conv.weight") == "up_blocks.0.upsamplers.0.conv.weight")
        #expect(table.targetName(for: "output_blocks.2.1.norm.bias") == "up_blocks.0.attentions.2.norm.bias")
        #expect(table.targetName(for: "output_blocks.2.1.conv.weight.extra") == nil)
        #expect(table.targetName(for: "input_blocks.1.0.in_layers.0.weight") == "down_blocks.0.resnets.0.norm1.weight")
        #expect(table.targetName(for: "input_blocks.1.0.in_layers.1.weight") == nil)
        #expect(table.targetName(for: "input_blocks.10.0.in_layers.0.weight") == nil)
    }
}

@Suite struct ConversionSlicedTensorStoreTests {
    @Test func rowRangesAreCutAndOutOfRangeNamed() throws {
        let base = InMemoryTensorStore(["in_proj": Tensor(shape: [6, 2], scalars: (0..<12).map(Float.init))])
        let store = try SlicedTensorStore(base: base, sources: ["k": .rows("in_proj", 2..<4), "all": .whole("in_proj")])
        #expect(store.shape(of: "k") == [2, 2])
        #expect(try store.tensor(named: "k").scalars == [4, 5, 6, 7])
        #expect(try store.tensor(named: "all").shape == [6, 2])
        #expect(throws: WeightError.self) { try SlicedTensorStore(base: base, sources: ["v": .rows("in_proj", 4..<8)]) }
        #expect(throws: WeightError.missing(name: "out_proj", expectedShape: nil)) {
            try SlicedTensorStore(base: base, sources: ["o": .whole("out_proj")])
        }
    }
}
