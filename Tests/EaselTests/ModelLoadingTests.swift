import Easel
import EaselCheckpoint
import EaselDiffusion
import EaselTestSupport
import Foundation
import Testing

/// The ways a Stable Diffusion model reaches Easel: a diffusers folder with float16 variant files, and what a
/// path that is not a usable model gives.
@Suite struct ModelLoadingTests {
    /// A copy of `Pipeline_tiny` whose networks are stored only as `*.fp16.safetensors` (as `variant="fp16"`
    /// folders are published): loaded with `variant: "fp16"` its weights are the float16-rounded ones, the same as
    /// the float16 single file's, so it must make exactly the image diffusers made from that file.
    @Test func fp16VariantFolderEqualsFloat16Weights() throws {
        let folder = try TemporaryFolder()
        let source = try PipelineFixtures.modelFolder()
        let copy = folder.path("tiny-fp16")
        try FileManager.default.copyItem(at: source, to: copy)
        for (component, file) in [("unet", "diffusion_pytorch_model"), ("vae", "diffusion_pytorch_model"),
                                  ("text_encoder", "model")] {
            let original = copy.appendingPathComponent(component).appendingPathComponent(file + ".safetensors")
            let weights = try SafetensorsFile(contentsOf: original)
            var writer = SafetensorsWriter()
            for name in weights.tensorNames {
                try writer.add(name, try weights.tensor(named: name), as: .float16)
            }
            try writer.write(to: copy.appendingPathComponent(component).appendingPathComponent(file + ".fp16.safetensors"))
            try FileManager.default.removeItem(at: original)
        }

        let fixture = try PipelineFixtures.case(named: "single_file_euler_a")
        let model = try StableDiffusionModel(contentsOf: copy, variant: "fp16")
        let result = try StableDiffusionPipeline(model: model).generate(fixture.request(initImage: nil))
        let difference = try #require(ImageDifference(result.image, try PipelineFixtures.expectedImage(fixture.case)))
        print("fp16 variant folder: \(difference)")
        #expect(difference.meanAbsolute <= 1.0)
        // The float32 folder makes another image: the variant's float16 rounding is really in effect.
        let full = try StableDiffusionPipeline(model: PipelineFixtures.model()).generate(fixture.request(initImage: nil))
        #expect(full.latents != result.latents)
    }

    @Test func unusableModelsAreNamedErrors() throws {
        let folder = try TemporaryFolder()
        let empty = try folder.subfolder("empty")
        let notModel = try folder.write("not safetensors", to: "model.safetensors")
        for (url, mention) in [(folder.path("missing"), "missing"), (empty, "empty"), (notModel, "model.safetensors"),
                               (try PipelineFixtures.modelFolder().appendingPathComponent("unet"), "model_index.json")] {
            #expect(throws: (any Error).self) { _ = try StableDiffusionModel(contentsOf: url) }
            do {
                _ = try StableDiffusionModel(contentsOf: url)
            } catch {
                #expect(String(describing: error).contains(mention), "\(url.path): \(error)")
            }
        }
    }
}
