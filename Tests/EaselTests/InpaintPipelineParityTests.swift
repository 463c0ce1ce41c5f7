import Easel
import EaselDiffusion
import EaselImage
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// Whole inpainting generations against diffusers 0.42.1 `StableDiffusionInpaintPipeline` and
/// `StableDiffusionControlNetInpaintPipeline` on the tiny pipeline (make_inpaint_pipeline_fixtures.py): a 9-channel
/// inpainting UNet at strength 1 and below and without CFG, the 4-channel UNet (latent blending) at strength 1
/// and below, and both under a tiny ControlNet reading the ControlNet v1.1 inpaint condition. The bar is
/// PipelineParityTests': at most 1 level in 255 mean absolute difference.
@Suite struct InpaintPipelineParityTests {
    /// The bar, in levels of 255. Measured: at most 0.0046 (unet4_strength_pndm, 57 of 12288 samples off
    /// by 1); the three 9-channel cases without ControlNet are identical.
    static let meanTolerance = PipelineParityTests.meanTolerance
    /// `max|a - e| / max|e|` on the final latents. Measured: at most 1.9e-4 (unet4_strength_pndm), 3.6e-7 to
    /// 1.6e-5 elsewhere.
    static let latentTolerance = PipelineParityTests.latentTolerance

    @Test func everyCaseIsTested() throws {
        #expect(try InpaintPipelineFixtures.cases().count == InpaintPipelineFixtures.caseNames.count)
        #expect(InpaintPipelineFixtures.caseNames.count >= 8)
    }

    @Test(arguments: InpaintPipelineFixtures.caseNames)
    func imageMatchesDiffusers(caseName: String) throws {
        let fixture = try InpaintPipelineFixtures.case(named: caseName)
        let request = try fixture.request()
        #expect(request.sampler != nil, "unknown sampler \(fixture.sampler)")
        let result = try StableDiffusionPipeline(model: try InpaintPipelineFixtures.model(channels: fixture.unet))
            .generate(request)

        let latents = try ReferenceFixture("InpaintPipeline_latents.safetensors", in: InpaintPipelineFixtures.folder.bundle)
        let expectedLatents = try latents.tensor("\(caseName).latents")
        let latentError = maxRelativeError(result.latents.reshaped(expectedLatents.shape), expectedLatents)
        let difference = try #require(ImageDifference(result.image, try InpaintPipelineFixtures.expectedImage(caseName)))
        print("InpaintPipeline \(caseName): \(difference); final latents max relative error \(latentError)")
        #expect(latentError <= Self.latentTolerance)
        #expect(difference.meanAbsolute <= Self.meanTolerance)
    }

    /// The mask and the ControlNet must move the image far more than the tolerance, or the parity above proves
    /// nothing about them: Easel without the unit, and with another mask, lands far from diffusers' image
    /// (measured: 15.3 and 11.3 levels).
    @Test func maskAndControlChangeTheImage() throws {
        let controlled = try InpaintPipelineFixtures.case(named: "control_unet9_euler_a")
        var request = try controlled.request()
        request.controlUnits = []
        let model = try InpaintPipelineFixtures.inpaintingModel()
        let plain = try StableDiffusionPipeline(model: model).generate(request)
        let withoutControl = try #require(
            ImageDifference(plain.image, try InpaintPipelineFixtures.expectedImage(controlled.case)))

        let masked = try InpaintPipelineFixtures.case(named: "unet9_full_euler_a")
        request = try masked.request()
        request.inpainting?.mask = try Mask(width: 64, height: 64, filledWith: 255)
        let otherMask = try StableDiffusionPipeline(model: model).generate(request)
        let withOtherMask = try #require(
            ImageDifference(otherMask.image, try InpaintPipelineFixtures.expectedImage(masked.case)))
        print("InpaintPipeline: without the ControlNet \(withoutControl); with a full mask \(withOtherMask)")
        #expect(withoutControl.meanAbsolute >= 4)
        #expect(withOtherMask.meanAbsolute >= 4)
    }
}
