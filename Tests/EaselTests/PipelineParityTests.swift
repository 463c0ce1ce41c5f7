import Easel
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// Whole generations against diffusers 0.42.1 `StableDiffusionPipeline` / `StableDiffusionImg2ImgPipeline` on a
/// tiny random SD 1.x model (`Pipeline_tiny`, 64x64 images): every sampler, Karras sigmas, guidance on and off,
/// clip skip, a prompt diffusers truncates, a non-square size, img2img at several strengths, and a float16
/// single-file checkpoint. The bar: at most 1 level in 255 mean absolute difference on the 8-bit image.
@Suite struct PipelineParityTests {
    /// Mean absolute difference allowed, in levels of 255 (the bar). One changed word of the negative
    /// prompt moves these images by ~16 levels, a wrong seed by ~35 (make_pipeline_fixtures.py).
    static let meanTolerance = 1.0
    /// Relative error of the final latents against diffusers' (`max|a - e| / max|e|`), checked first so a
    /// failure says where Easel leaves diffusers.
    static let latentTolerance: Float = 1e-3

    @Test func everyCaseIsTested() throws {
        #expect(try PipelineFixtures.cases().count == PipelineFixtures.caseNames.count)
        #expect(PipelineFixtures.caseNames.count >= 16)
    }

    @Test(arguments: PipelineFixtures.caseNames)
    func imageMatchesDiffusers(caseName: String) throws {
        let fixture = try PipelineFixtures.case(named: caseName)
        let model = fixture.single_file == true ? try PipelineFixtures.singleFileModel() : try PipelineFixtures.model()
        let request = fixture.request(initImage: try PipelineFixtures.initImage())
        #expect(request.sampler != nil, "unknown sampler \(fixture.sampler)")

        var steps: [Int] = []
        let result = try StableDiffusionPipeline(model: model).generate(request) { progress in
            steps.append(progress.step)
            return .proceed
        }
        #expect(steps == Array(0...(steps.last ?? 0)))

        let latents = try ReferenceFixture("Pipeline_latents.safetensors", in: PipelineFixtures.folder.bundle)
        let lastStep = steps.last! - 1
        let expectedLatents = try latents.tensor("\(caseName).latents_step_\(lastStep)")
        let latentError = maxRelativeError(result.latents.reshaped(expectedLatents.shape), expectedLatents)

        let expected = try PipelineFixtures.expectedImage(caseName)
        let difference = try #require(ImageDifference(result.image, expected))
        print("Pipeline \(caseName): \(difference); final latents max relative error \(latentError)")
        #expect(latentError <= Self.latentTolerance)
        #expect(difference.meanAbsolute <= Self.meanTolerance)
    }
}
