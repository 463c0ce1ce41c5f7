import Easel
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// Whole generations with ControlNet units against diffusers 0.42.1 `StableDiffusionControlNetPipeline` and
/// `StableDiffusionControlNetImg2ImgPipeline` on the tiny pipeline and two tiny random ControlNets
/// (make_controlnet_pipeline_fixtures.py): one and two nets, guess mode, guidance start/end, scales != 1, a
/// condition image of another size, no CFG, img2img, five samplers, and the A1111 control modes computed through
/// diffusers' pipeline with the extension's soft-injection scales. The bar is PipelineParityTests': at most 1 level
/// in 255 mean absolute difference.
@Suite struct ControlPipelineParityTests {
    /// The bar, in levels of 255. Measured: at most 0.0043 (scale_resized_pndm, 53 of 12288 samples off
    /// by 1), 0 to 0.0015 elsewhere; the control itself moves these images by 4-25 levels.
    static let meanTolerance = PipelineParityTests.meanTolerance
    /// `max|a - e| / max|e|` on the final latents. Measured: at most 1.4e-4 (scale_resized_pndm), 2e-6 to 5e-5
    /// elsewhere.
    static let latentTolerance = PipelineParityTests.latentTolerance

    @Test func everyCaseIsTested() throws {
        #expect(try ControlPipelineFixtures.cases().count == ControlPipelineFixtures.caseNames.count)
        #expect(ControlPipelineFixtures.caseNames.count >= 11)
    }

    @Test(arguments: ControlPipelineFixtures.caseNames)
    func imageMatchesDiffusers(caseName: String) throws {
        let fixture = try ControlPipelineFixtures.case(named: caseName)
        let request = try fixture.request()
        #expect(request.sampler != nil, "unknown sampler \(fixture.sampler)")
        #expect(ControlMode(rawValue: fixture.mode) != nil, "unknown mode \(fixture.mode)")
        let result = try StableDiffusionPipeline(model: try PipelineFixtures.model()).generate(request)

        let latents = try ReferenceFixture("ControlPipeline_latents.safetensors", in: ControlPipelineFixtures.folder.bundle)
        let expectedLatents = try latents.tensor("\(caseName).latents")
        let latentError = maxRelativeError(result.latents.reshaped(expectedLatents.shape), expectedLatents)
        let difference = try #require(ImageDifference(result.image, try ControlPipelineFixtures.expectedImage(caseName)))
        print("ControlPipeline \(caseName): \(difference); final latents max relative error \(latentError)")
        #expect(latentError <= Self.latentTolerance)
        #expect(difference.meanAbsolute <= Self.meanTolerance)
    }

    /// The control must move the image far more than the tolerance, or the parity above proves nothing about
    /// it: diffusers' own images move by 4-25 levels without ControlNet (`control_effect`), and Easel's run
    /// without units is that far from diffusers' controlled image.
    @Test func controlChangesTheImage() throws {
        for fixture in try ControlPipelineFixtures.cases() {
            #expect(fixture.control_effect >= 4 * Self.meanTolerance, "\(fixture.case)")
        }
        let fixture = try ControlPipelineFixtures.case(named: "one_net_euler_a")
        var request = try fixture.request()
        request.controlUnits = []
        let plain = try StableDiffusionPipeline(model: try PipelineFixtures.model()).generate(request)
        let difference = try #require(
            ImageDifference(plain.image, try ControlPipelineFixtures.expectedImage(fixture.case)))
        // Measured: 19.9 levels.
        #expect(difference.meanAbsolute >= 15)
    }
}
