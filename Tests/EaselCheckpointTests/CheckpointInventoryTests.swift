import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

/// Model folders: the diffusers pipeline written by `make_checkpoint_fixtures.py` (diffusers 0.42.1 and
/// transformers 5.23 `save_pretrained`), component folders, folders of files, and the errors.
@Suite struct CheckpointInventoryTests {
    struct Facts: Decodable {
        var unet_parameters: Int
        var unet_tensors: Int
        var controlnet_parameters: Int
        var vae_parameters: Int
        var text_encoder_parameters: Int
    }

    static func facts() throws -> Facts {
        try checkpointFixtures.decodeJSON(Facts.self, from: "tiny_pipeline_facts.json")
    }

    @Test func readsADiffusersPipelineFolder() throws {
        let facts = try Self.facts()
        let inventory = try CheckpointInventory(contentsOf: fixtureURL("tiny_pipeline"))
        #expect(inventory.source == .diffusersPipeline(className: "StableDiffusionControlNetPipeline"))
        #expect(inventory.components.map(\.name) == ["unet", "controlnet", "vae", "text_encoder"])
        #expect(inventory.componentsWithoutWeights == ["scheduler (PNDMScheduler)"])
        let byName = Dictionary(uniqueKeysWithValues: inventory.components.map { ($0.name, $0) })

        let unet = try #require(byName["unet"])
        #expect(unet.className == "UNet2DConditionModel")
        #expect(unet.variant == nil)
        #expect(unet.otherVariants == ["fp16"])
        #expect(unet.files.map(\.url.lastPathComponent) == ["diffusion_pytorch_model.safetensors"])
        #expect(unet.parameterCount == facts.unet_parameters)
        #expect(unet.tensors.count == facts.unet_tensors)
        #expect(unet.tensors.allSatisfy { $0.dataType == .float32 })
        let unetID = try #require(unet.identifications.first)
        #expect(unet.identifications.count == 1)
        #expect(unetID.architecture == .unet)
        #expect(unetID.layout == .diffusers)
        #expect(unetID.inChannels == 4)
        #expect(unetID.width == 8)
        #expect(unetID.crossAttentionDim == 16)
        #expect(unetID.family == nil)  // a tiny test model is no released size
        #expect(unetID.parameterCount == facts.unet_parameters)
        #expect(unet.unclaimedTensorNames.isEmpty)

        let controlNet = try #require(byName["controlnet"])
        #expect(controlNet.className == "ControlNetModel")
        #expect(controlNet.parameterCount == facts.controlnet_parameters)
        #expect(controlNet.identifications.map(\.architecture) == [.controlNet])
        #expect(controlNet.identifications.first?.conditioningChannels == 3)

        let vae = try #require(byName["vae"])
        #expect(vae.parameterCount == facts.vae_parameters)
        #expect(vae.identifications.first?.architecture == .vae)
        #expect(vae.identifications.first?.latentChannels == 4)
        #expect(vae.identifications.first?.width == 8)

        let textEncoder = try #require(byName["text_encoder"])
        #expect(textEncoder.className == "CLIPTextModel")  // transformers' config names it in `architectures`
        #expect(textEncoder.files.map(\.url.lastPathComponent) == ["model.safetensors"])
        #expect(textEncoder.parameterCount == facts.text_encoder_parameters)
        let clip = try #require(textEncoder.identifications.first)
        #expect(clip.architecture == .clipTextEncoder)
        #expect(clip.keyPrefix == "")  // transformers 5 writes no text_model. prefix
        #expect(clip.width == 16)
        #expect(clip.layerCount == 2)
        #expect(inventory.parameterCount
            == facts.unet_parameters + facts.controlnet_parameters + facts.vae_parameters + facts.text_encoder_parameters)
    }

    /// The fp16 variant holds the same tensors, each the float32 weight rounded to half.
    @Test func readsTheFP16VariantWhenAsked() throws {
        let folder = try fixtureURL("tiny_pipeline")
        let fp16 = try CheckpointInventory(contentsOf: folder, variant: "fp16")
        let full = try CheckpointInventory(contentsOf: folder)
        let unet16 = try #require(fp16.components.first)
        let unet32 = try #require(full.components.first)
        #expect(unet16.variant == "fp16")
        #expect(unet16.otherVariants == ["default"])
        #expect(unet16.files.map(\.url.lastPathComponent) == ["diffusion_pytorch_model.fp16.safetensors"])
        #expect(unet16.tensors.allSatisfy { $0.dataType == .float16 })
        #expect(unet16.tensors.map(\.name) == unet32.tensors.map(\.name))
        #expect(unet16.parameterCount == unet32.parameterCount)
        for info in unet32.tensors {
            let wide = try unet32.tensor(named: info.name)
            let half = try unet16.tensor(named: info.name)
            #expect(half.scalars == wide.scalars.map { Float(Float16($0)) }, "\(info.name)")
        }
        // Components without an fp16 file fall back to their default weights, as in diffusers.
        let controlNet = try #require(fp16.components.first { $0.name == "controlnet" })
        #expect(controlNet.variant == nil)
        #expect(controlNet.files.map(\.url.lastPathComponent) == ["diffusion_pytorch_model.safetensors"])
        #expect(try CheckpointInventory(contentsOf: folder, variant: "bf16").components.allSatisfy { $0.variant == nil })
    }

    @Test func aMissingVariantWithoutDefaultWeightsIsAnError() throws {
        let folder = try TemporaryFolder()
        try folder.write("{}", to: "vae/config.json")
        let vae = folder.url.appendingPathComponent("vae")
        try SyntheticCheckpoints.write(SyntheticCheckpoints.vaeDiffusers, to: vae.appendingPathComponent("diffusion_pytorch_model.fp16.safetensors"))
        try SyntheticCheckpoints.write(SyntheticCheckpoints.vaeDiffusers, to: vae.appendingPathComponent("diffusion_pytorch_model.non_ema.safetensors"))
        #expect(throws: CheckpointError.invalidModelFolder(
            path: vae.path, reason: "it has neither a 'bf16' variant nor default weights (it has: fp16, non_ema)")) {
            try CheckpointInventory(contentsOf: vae, variant: "bf16")
        }
        // Unasked, fp16 is preferred over other variants.
        let chosen = try #require(CheckpointInventory(contentsOf: vae).components.first)
        #expect(chosen.variant == "fp16")
        #expect(chosen.otherVariants == ["non_ema"])
    }

    @Test func readsAComponentFolderAlone() throws {
        let inventory = try CheckpointInventory(contentsOf: fixtureURL("tiny_pipeline/controlnet"))
        #expect(inventory.source == .diffusersComponent)
        #expect(inventory.components.map(\.name) == ["controlnet"])
        #expect(inventory.components.first?.className == "ControlNetModel")
        #expect(inventory.components.first?.identifications.first?.architecture == .controlNet)
    }

    @Test func readsShardsAndAFolderOfFiles() throws {
        let folder = try TemporaryFolder()
        let component = try folder.subfolder("unet")
        try folder.write(#"{"_class_name": "UNet2DConditionModel"}"#, to: "unet/config.json")
        let keys = SyntheticCheckpoints.sd1UNetDiffusers()
        try SyntheticCheckpoints.write(Array(keys.prefix(4)), to: component.appendingPathComponent("diffusion_pytorch_model-00001-of-00002.safetensors"))
        try SyntheticCheckpoints.write(Array(keys.dropFirst(4)), to: component.appendingPathComponent("diffusion_pytorch_model-00002-of-00002.safetensors"))
        try folder.write("{}", to: "unet/diffusion_pytorch_model.safetensors.index.json")
        let sharded = try CheckpointInventory(contentsOf: component)
        let unet = try #require(sharded.components.first)
        #expect(unet.files.count == 2)
        #expect(unet.tensors.count == keys.count)
        #expect(unet.identifications.first?.family == .sd1)
        #expect(unet.file(holding: "conv_out.weight")?.url.lastPathComponent == "diffusion_pytorch_model-00002-of-00002.safetensors")
        #expect(try unet.tensor(named: "conv_out.weight").shape == [4, 320, 3, 3])

        // The same tensor in two shards is an error naming both files.
        try SyntheticCheckpoints.write(Array(keys.prefix(1)), to: component.appendingPathComponent("diffusion_pytorch_model-00002-of-00002.safetensors"))
        #expect {
            try CheckpointInventory(contentsOf: component)
        } throws: { error in
            (error as? CheckpointError)?.description
                == "\(component.path) is not a model folder Easel can read: tensor 'conv_in.weight' is in both diffusion_pytorch_model-00001-of-00002.safetensors and diffusion_pytorch_model-00002-of-00002.safetensors"
        }

        // A plain folder of checkpoint files: one component per file.
        let models = try folder.subfolder("models")
        try SyntheticCheckpoints.write(SyntheticCheckpoints.vaeLDM, to: models.appendingPathComponent("vae.safetensors"))
        try SyntheticCheckpoints.write(SyntheticCheckpoints.prefixed("control_model.", SyntheticCheckpoints.controlNetLDM), to: models.appendingPathComponent("control_v11p_sd15_canny.safetensors"))
        try folder.write("notes", to: "models/README.txt")
        let files = try CheckpointInventory(contentsOf: models)
        #expect(files.source == .folderOfFiles)
        #expect(files.components.map(\.name) == ["control_v11p_sd15_canny.safetensors", "vae.safetensors"])
        #expect(files.components.map { $0.identifications.first?.architecture } == [.controlNet, .vae])
    }

    @Test func weightFileNames() {
        #expect(ComponentWeightFiles.variant(ofFileNamed: "diffusion_pytorch_model.safetensors") == "")
        #expect(ComponentWeightFiles.variant(ofFileNamed: "model.safetensors") == "")
        #expect(ComponentWeightFiles.variant(ofFileNamed: "diffusion_pytorch_model.fp16.safetensors") == "fp16")
        #expect(ComponentWeightFiles.variant(ofFileNamed: "model-00001-of-00002.safetensors") == "")
        #expect(ComponentWeightFiles.variant(ofFileNamed: "diffusion_pytorch_model.fp16-00001-of-00002.safetensors") == "fp16")
        #expect(ComponentWeightFiles.variant(ofFileNamed: "diffusion_pytorch_model-00001-of-00002.fp16.safetensors") == "fp16")
        #expect(ComponentWeightFiles.variant(ofFileNamed: "diffusion_pytorch_model.non_ema.safetensors") == "non_ema")
        #expect(ComponentWeightFiles.variant(ofFileNamed: "control_v11p_sd15_canny.safetensors") == nil)
        #expect(ComponentWeightFiles.variant(ofFileNamed: "modelx.safetensors") == nil)
    }

    @Test func refusesPickleCheckpointsClearly() throws {
        let folder = try TemporaryFolder()
        // A single pickle file is read by PyTorchCheckpointFile (see PyTorchCheckpointTests); a damaged
        // one is an error naming it.
        let ckpt = try folder.write([0x80, 0x02, 0x7D, 0x71], to: "v1-5-pruned.ckpt")
        #expect {
            try CheckpointInventory(contentsOf: ckpt)
        } throws: {
            ($0 as? CheckpointError)?.description.hasPrefix("\(ckpt.path) is not a PyTorch checkpoint Easel can read: ") == true
        }

        // A torch.save zip renamed to .safetensors is recognised from its magic bytes.
        let zip = try folder.write([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 60), to: "renamed.safetensors")
        #expect {
            try CheckpointInventory(contentsOf: zip)
        } throws: {
            ($0 as? CheckpointError)?.description.hasPrefix("\(zip.path): this is a zip archive (a PyTorch torch.save checkpoint), not safetensors") == true
        }

        // A component folder with only pickle weights.
        let unet = try folder.subfolder("pipe/unet")
        try folder.write("{}", to: "pipe/unet/config.json")
        try folder.write([0x50, 0x4B, 0x03, 0x04], to: "pipe/unet/diffusion_pytorch_model.bin")
        try folder.write(#"{"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"]}"#, to: "pipe/model_index.json")
        let bin = unet.appendingPathComponent("diffusion_pytorch_model.bin")
        #expect {
            try CheckpointInventory(contentsOf: folder.url.appendingPathComponent("pipe"))
        } throws: {
            ($0 as? CheckpointError) == .unsupportedFormat(path: bin.path, reason: CheckpointFormat.pickleAdvice)
        }
    }

    @Test func brokenFoldersAreErrorsNamingThem() throws {
        let folder = try TemporaryFolder()
        let missing = folder.url.appendingPathComponent("nothing-here")
        #expect(throws: CheckpointError.unreadable(path: missing.path, reason: "no such file or folder")) {
            try CheckpointInventory(contentsOf: missing)
        }
        #expect(throws: CheckpointError.invalidModelFolder(
            path: folder.url.path, reason: "it has no model_index.json, no config.json and no .safetensors files")) {
            try CheckpointInventory(contentsOf: folder.url)
        }
        try folder.write(#"{"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"], "safety_checker": [null, null]}"#, to: "model_index.json")
        #expect(throws: CheckpointError.invalidModelFolder(
            path: folder.url.path, reason: "model_index.json lists 'unet' but there is no unet/ folder")) {
            try CheckpointInventory(contentsOf: folder.url)
        }
        try folder.write("[not json", to: "model_index.json")
        #expect(throws: CheckpointError.invalidModelFolder(path: folder.url.path, reason: "model_index.json is not a JSON object")) {
            try CheckpointInventory(contentsOf: folder.url)
        }
        let component = try folder.subfolder("lonely")
        try folder.write("{}", to: "lonely/config.json")
        #expect(throws: CheckpointError.invalidModelFolder(path: component.path, reason: "it has a config.json but no .safetensors weights")) {
            try CheckpointInventory(contentsOf: component)
        }
        // A corrupt weight file inside a folder surfaces the file's own error.
        let broken = try folder.write([1, 2, 3], to: "lonely/diffusion_pytorch_model.safetensors")
        #expect {
            try CheckpointInventory(contentsOf: component)
        } throws: {
            ($0 as? CheckpointError)?.description.hasPrefix("\(broken.path) is not a valid safetensors file: the file is 3 bytes") == true
        }
    }
}
