import ArgumentParser
import EaselCheckpoint
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCLI

/// `easel inspect`: the report text (in process) and the executable's output and exit statuses.
@Suite struct InspectCommandTests {
    @Test func reportListsEveryTensorOfASingleFile() throws {
        let folder = try TemporaryFolder()
        let url = try folder.writeCheckpoint(InspectSampleKeys.sd1UNet, to: "unet.safetensors", metadata: ["format": "pt"])
        let report = InspectReport.render(try CheckpointInventory(contentsOf: url), summary: false)
        let expected = """
            unet.safetensors: safetensors file

            == unet.safetensors
            file: unet.safetensors (1.54 MB)
            metadata: format=pt
              conv_in.bias                                                       F16  [320]
              conv_in.weight                                                     F16  [320, 4, 3, 3]
              down_blocks.0.attentions.0.proj_in.weight                          F16  [320, 320, 1, 1]
              down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight  F16  [320, 768]
              down_blocks.2.resnets.0.conv1.bias                                 F16  [320]
              down_blocks.10.resnets.0.conv1.bias                                F16  [320]
              time_embedding.linear_1.weight                                     F16  [1280, 320]
            7 tensors (F16), 770,240 parameters
            identified: SD 1.x UNet (diffusers layout): in_channels 4, model channels 320, cross-attention 768

            """
        #expect(report == expected)
    }

    @Test func summaryLeavesOutTheTensorsAndShowsEachPart() throws {
        let folder = try TemporaryFolder()
        let url = try folder.writeCheckpoint(
            InspectSampleKeys.ldmInpaintingUNet + InspectSampleKeys.vae.map { ("first_stage_model." + $0.0, $0.1) },
            to: "inpaint.safetensors")
        let report = InspectReport.render(try CheckpointInventory(contentsOf: url), summary: true)
        #expect(!report.contains("F16  ["))
        #expect(report.contains("8 tensors (F16), "))
        #expect(report.contains(
            "identified: SD 1.x inpainting UNet (original LDM layout, keys under model.diffusion_model.): in_channels 9, model channels 320, cross-attention 768 [4 tensors, "))
        #expect(report.contains("identified: VAE (AutoencoderKL) (diffusers layout, keys under first_stage_model.): latent channels 4, base channels 128 [3 tensors, 169,344 parameters]"))
        #expect(report.contains("not part of those: 1 tensors (betas)"))
    }

    @Test func reportsAPipelineFolderPerComponent() throws {
        let folder = try TemporaryFolder()
        try folder.write(
            #"{"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"], "scheduler": ["diffusers", "PNDMScheduler"], "safety_checker": [null, null]}"#,
            to: "model_index.json")
        try folder.write(#"{"_class_name": "UNet2DConditionModel"}"#, to: "unet/config.json")
        try folder.writeCheckpoint(InspectSampleKeys.sd1UNet, to: "unet/diffusion_pytorch_model.fp16.safetensors")
        try folder.write(#"{"_class_name": "AutoencoderKL"}"#, to: "vae/config.json")
        try folder.writeCheckpoint(InspectSampleKeys.vae, to: "vae/diffusion_pytorch_model.safetensors")
        try folder.write("{}", to: "scheduler/scheduler_config.json")
        let report = InspectReport.render(try CheckpointInventory(contentsOf: folder.url), summary: true)
        let name = folder.url.lastPathComponent
        let expected = """
            \(name): diffusers pipeline StableDiffusionPipeline
            without weights: scheduler (PNDMScheduler)

            == unet: UNet2DConditionModel
            file: unet/diffusion_pytorch_model.fp16.safetensors (1.54 MB)
            7 tensors (F16), 770,240 parameters
            identified: SD 1.x UNet (diffusers layout): in_channels 4, model channels 320, cross-attention 768

            == vae: AutoencoderKL
            file: vae/diffusion_pytorch_model.safetensors (339 kB)
            3 tensors (F16), 169,344 parameters
            identified: VAE (AutoencoderKL) (diffusers layout): latent channels 4, base channels 128

            total: 2 components, 939,584 parameters

            """
        #expect(report == expected)
    }

    @Test func unknownTensorsSayNothingWasRecognised() throws {
        let folder = try TemporaryFolder()
        let url = try folder.writeCheckpoint([("lora_up.weight", [4, 8])], to: "lora.safetensors")
        let report = InspectReport.render(try CheckpointInventory(contentsOf: url), summary: true)
        #expect(report.contains("identified: nothing known (no UNet, ControlNet, VAE or CLIP text encoder key pattern)"))
    }

    @Test func numberFormatting() {
        #expect(InspectReport.count(859_520_964) == "859,520,964")
        #expect(InspectReport.count(999) == "999")
        #expect(InspectReport.count(1000) == "1,000")
        #expect(InspectReport.count(0) == "0")
        #expect(InspectReport.byteSize(1_720_000_000) == "1.72 GB")
        #expect(InspectReport.byteSize(230_488) == "230 kB")
        #expect(InspectReport.byteSize(28_864) == "28.9 kB")
        #expect(InspectReport.byteSize(512) == "512 bytes")
    }

    @Test func parsesItsArguments() throws {
        let command = try InspectCommand.parse(["model", "--summary", "--variant", "fp16"])
        #expect(command.path == "model")
        #expect(command.summary)
        #expect(command.variant == "fp16")
        let plain = try InspectCommand.parse(["model.safetensors"])
        #expect(!plain.summary)
        #expect(plain.variant == nil)
        #expect(throws: (any Error).self) { try InspectCommand.parse([]) }
    }

    // MARK: The executable

    @Test func executablePrintsTheReportAndExitsZero() throws {
        let folder = try TemporaryFolder()
        let url = try folder.writeCheckpoint(InspectSampleKeys.sd1UNet, to: "unet.safetensors")
        let result = try EaselProcess.run(["inspect", url.path, "--summary"])
        #expect(result.status == 0)
        #expect(result.standardError == "")
        #expect(result.standardOutput.hasPrefix("unet.safetensors: safetensors file\n"))
        #expect(result.standardOutput.contains("identified: SD 1.x UNet (diffusers layout)"))
        let full = try EaselProcess.run(["inspect", url.path])
        #expect(full.status == 0)
        #expect(full.standardOutput.contains("  down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight  F16  [320, 768]\n"))
    }

    @Test func failuresPrintOneLineAndExitOne() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path("missing.safetensors")
        let result = try EaselProcess.run(["inspect", missing.path])
        #expect(result.status == 1)
        #expect(result.standardOutput == "")
        #expect(result.standardError == "easel: error: cannot read \(missing.path): no such file or folder\n")

        let corrupt = try folder.write("not a checkpoint at all", to: "corrupt.safetensors")
        let corruptResult = try EaselProcess.run(["inspect", corrupt.path])
        #expect(corruptResult.status == 1)
        #expect(corruptResult.standardError.hasPrefix("easel: error: \(corrupt.path) is not a valid safetensors file: "))
        #expect(corruptResult.standardError.filter { $0 == "\n" }.count == 1)

        let pickle = try folder.write("\u{80}\u{02}", to: "model.ckpt")
        let pickleResult = try EaselProcess.run(["inspect", pickle.path])
        #expect(pickleResult.status == 1)
        #expect(pickleResult.standardError.contains("\(pickle.path) is not a PyTorch checkpoint Easel can read: "))

        let empty = try TemporaryFolder()
        let emptyResult = try EaselProcess.run(["inspect", empty.url.path])
        #expect(emptyResult.status == 1)
        #expect(emptyResult.standardError == "easel: error: \(empty.url.path) is not a model folder Easel can read: it has no model_index.json, no config.json and no .safetensors files\n")
    }

    @Test func usageErrorsExitTwo() throws {
        let noPath = try EaselProcess.run(["inspect"])
        #expect(noPath.status == 2)
        #expect(noPath.standardError.contains("Missing expected argument '<path>'"))
        let unknown = try EaselProcess.run(["inspect", "x", "--bogus"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("Unknown option '--bogus'"))
        let help = try EaselProcess.run(["inspect", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--summary"))
    }
}
