import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

/// Identification from key names and shapes, on key sets with the names and shapes of released models.
@Suite struct ModelIdentificationTests {
    typealias S = SyntheticCheckpoints

    func identify(_ keys: S.Keys) -> [ModelIdentification] { ModelIdentifier.identify(S.infos(keys)) }

    func only(_ keys: S.Keys) throws -> ModelIdentification {
        let found = identify(keys)
        #expect(found.count == 1, "found \(found)")
        return try #require(found.first)
    }

    @Test func sd1UNetInBothLayouts() throws {
        let diffusers = try only(S.sd1UNetDiffusers())
        #expect(diffusers.architecture == .unet)
        #expect(diffusers.layout == .diffusers)
        #expect(diffusers.family == .sd1)
        #expect(diffusers.inChannels == 4)
        #expect(diffusers.width == 320)
        #expect(diffusers.crossAttentionDim == 768)
        #expect(diffusers.usesLinearProjection == false)
        #expect(diffusers.hasAdditionalEmbedding == false)
        #expect(!diffusers.isInpainting)
        #expect(diffusers.keyPrefix == "")
        #expect(diffusers.tensorCount == 9)
        #expect(diffusers.description
            == "SD 1.x UNet (diffusers layout): in_channels 4, model channels 320, cross-attention 768")

        let ldm = try only(S.prefixed("model.diffusion_model.", S.sd1UNetLDM()))
        #expect(ldm.layout == .ldm)
        #expect(ldm.family == .sd1)
        #expect(ldm.keyPrefix == "model.diffusion_model.")
        #expect(ldm.inChannels == 4)
    }

    @Test func inpaintingUNetsHaveNineInputChannels() throws {
        let diffusers = try only(S.sd1UNetDiffusers(inChannels: 9))
        #expect(diffusers.isInpainting)
        #expect(diffusers.description.hasPrefix("SD 1.x inpainting UNet (diffusers layout): in_channels 9"))
        let ldm = try only(S.prefixed("model.diffusion_model.", S.sd1UNetLDM(inChannels: 9)))
        #expect(ldm.isInpainting)
        #expect(ldm.description.hasPrefix("SD 1.x inpainting UNet (original LDM layout, keys under model.diffusion_model.)"))
        #expect(try only(S.sd1UNetDiffusers(inChannels: 8)).description.hasPrefix("SD 1.x InstructPix2Pix UNet"))
    }

    @Test func sd2AndSDXLUNets() throws {
        let sd2 = try only(S.sd2UNetDiffusers)
        #expect(sd2.family == .sd2)
        #expect(sd2.usesLinearProjection == true)
        #expect(sd2.crossAttentionDim == 1024)
        let sdxl = try only(S.sdxlUNetDiffusers)
        #expect(sdxl.family == .sdxl)
        #expect(sdxl.hasAdditionalEmbedding == true)
        #expect(sdxl.crossAttentionDim == 2048)
        let sdxlLDM = try only(S.prefixed("model.diffusion_model.", S.sdxlUNetLDM))
        #expect(sdxlLDM.family == .sdxl)
        #expect(sdxlLDM.layout == .ldm)
        #expect(sdxlLDM.description.contains("size/crop conditioning"))
    }

    @Test func vaesInBothLayouts() throws {
        let diffusers = try only(S.vaeDiffusers)
        #expect(diffusers.architecture == .vae)
        #expect(diffusers.layout == .diffusers)
        #expect(diffusers.latentChannels == 4)
        #expect(diffusers.width == 128)
        #expect(diffusers.description == "VAE (AutoencoderKL) (diffusers layout): latent channels 4, base channels 128")
        let ldm = try only(S.prefixed("first_stage_model.", S.vaeLDM))
        #expect(ldm.layout == .ldm)
        #expect(ldm.keyPrefix == "first_stage_model.")
        // A stand-alone original-layout VAE file (vae-ft-mse-840000 style) has no prefix.
        #expect(try only(S.vaeLDM).layout == .ldm)
    }

    @Test func clipTextEncodersWithAndWithoutPrefix() throws {
        let withPrefix = try only(S.clipTransformers(width: 768, layers: 12))
        #expect(withPrefix.architecture == .clipTextEncoder)
        #expect(withPrefix.layout == .transformers)
        #expect(withPrefix.family == .sd1)
        #expect(withPrefix.width == 768)
        #expect(withPrefix.layerCount == 12)
        #expect(withPrefix.keyPrefix == "")
        #expect(withPrefix.description.hasPrefix("CLIP text encoder (CLIP ViT-L/14: SD 1.x, and SDXL's first encoder) (transformers layout): width 768, 12 layers"))
        // transformers 5 drops the text_model. prefix.
        let bare = S.clipTransformers(width: 1024, layers: 23).map { (String($0.name.replacingOccurrences(of: "text_model.", with: "")), $0.shape) }
        let sd2 = try only(bare)
        #expect(sd2.family == .sd2)
        #expect(sd2.layerCount == 23)
        let withProjection = try only(S.clipTransformers(width: 1280, layers: 32, projection: true))
        #expect(withProjection.family == .sdxl)
        #expect(withProjection.hasTextProjection == true)
        // The old position_ids buffer is an I64 tensor, not a parameter.
        var infos = S.infos(S.clipTransformers(width: 768, layers: 1))
        infos["text_model.embeddings.position_ids"] = TensorInfo(
            name: "text_model.embeddings.position_ids", dataType: .int64, shape: [1, 77], dataOffsets: 0..<0)
        let counted = try #require(ModelIdentifier.identify(infos).first)
        #expect(counted.tensorCount == 6)
        #expect(counted.parameterCount == 10 * 768 + 77 * 768 + 768 + 768 + 768 * 768)
    }

    @Test func controlNetsInBothLayouts() throws {
        let diffusers = try only(S.controlNetDiffusers)
        #expect(diffusers.architecture == .controlNet)
        #expect(diffusers.layout == .diffusers)
        #expect(diffusers.family == .sd1)
        #expect(diffusers.conditioningChannels == 3)
        #expect(diffusers.inChannels == 4)
        #expect(diffusers.description
            == "SD 1.x ControlNet (diffusers layout): hint channels 3, in_channels 4, model channels 320, cross-attention 768")
        let released = try only(S.prefixed("control_model.", S.controlNetLDM))
        #expect(released.layout == .ldm)
        #expect(released.keyPrefix == "control_model.")
        #expect(released.family == .sd1)
        #expect(released.conditioningChannels == 3)
        let bare = try only(S.controlNetLDM)
        #expect(bare.architecture == .controlNet)
        #expect(bare.keyPrefix == "")
    }

    @Test func fullSingleFileCheckpoints() throws {
        let sd1 = identify(S.sd1SingleFile)
        #expect(sd1.map(\.architecture) == [.unet, .vae, .clipTextEncoder])
        #expect(sd1.map(\.keyPrefix) == ["model.diffusion_model.", "first_stage_model.", "cond_stage_model.transformer."])
        #expect(sd1.allSatisfy { $0.layout == ($0.architecture == .clipTextEncoder ? .transformers : .ldm) })
        #expect(sd1[2].family == .sd1)

        let sd2 = identify(
            S.prefixed("model.diffusion_model.", S.sd1UNetLDM()) + S.prefixed("first_stage_model.", S.vaeLDM)
                + S.prefixed("cond_stage_model.model.", S.openCLIP(width: 1024, layers: 24)))
        let openCLIP = try #require(sd2.last)
        #expect(openCLIP.layout == .openCLIP)
        #expect(openCLIP.family == .sd2)
        #expect(openCLIP.layerCount == 24)
        #expect(openCLIP.keyPrefix == "cond_stage_model.model.")

        let sdxl = identify(
            S.prefixed("model.diffusion_model.", S.sdxlUNetLDM) + S.prefixed("first_stage_model.", S.vaeLDM)
                + S.prefixed("conditioner.embedders.0.transformer.", S.clipTransformers(width: 768, layers: 12))
                + S.prefixed("conditioner.embedders.1.model.", S.openCLIP(width: 1280, layers: 32)))
        #expect(sdxl.map(\.architecture) == [.unet, .vae, .clipTextEncoder, .clipTextEncoder])
        #expect(sdxl[0].family == .sdxl)
        #expect(sdxl[2].keyPrefix == "conditioner.embedders.0.transformer.")
        #expect(sdxl[3].keyPrefix == "conditioner.embedders.1.model.")
        #expect(sdxl[3].width == 1280)
    }

    @Test func unknownTensorsAreNotIdentified() {
        #expect(identify([("lora_unet_down_blocks_0.alpha", []), ("some.weight", [3, 3])]).isEmpty)
        // Hostile shapes (wrong rank) give missing facts, not a crash.
        let odd = identify([("conv_in.weight", [5]), ("time_embedding.linear_1.weight", [])])
        #expect(odd.first?.inChannels == nil)
        #expect(odd.first?.family == nil)
    }

    /// Through files written by the Swift writer: a full single-file checkpoint, with its unclaimed
    /// schedule buffers listed.
    @Test func singleFileCheckpointThroughTheInventory() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("sd15.safetensors")
        try S.write(S.sd1SingleFile + [("cond_stage_model.transformer.text_model.embeddings.position_ids", [1, 77])], to: url)
        let inventory = try CheckpointInventory(contentsOf: url)
        #expect(inventory.source == .singleFile)
        let component = try #require(inventory.components.first)
        #expect(component.name == "sd15.safetensors")
        #expect(component.identifications.map(\.architecture) == [.unet, .vae, .clipTextEncoder])
        #expect(component.unclaimedTensorNames == ["alphas_cumprod", "betas"])
        #expect(component.tensors.count == S.sd1SingleFile.count + 1)
        let expectedParameters = S.sd1SingleFile.reduce(0) { $0 + $1.shape.reduce(1, *) }
        #expect(component.parameterCount == expectedParameters)
        #expect(component.tensors.first { $0.name.hasSuffix("position_ids") }?.dataType == .int64)
        // Names list in numeric order: layers.2 before layers.10.
        let layers = component.tensors.map(\.name).filter { $0.contains("encoder.layers.") && $0.hasSuffix("layer_norm1.weight") }
        #expect(layers.count == 12)
        #expect(layers[2].contains("layers.2.") && layers[10].contains("layers.10."))
    }
}
