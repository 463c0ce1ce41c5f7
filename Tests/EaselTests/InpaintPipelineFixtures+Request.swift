import Easel
import EaselDiffusion
import EaselImage
import EaselTestSupport
import Foundation

extension InpaintPipelineFixtures {
    /// The tiny pipeline with the 9-channel inpainting UNet in place of its own.
    static func inpaintingModel() throws -> StableDiffusionModel {
        var model = try PipelineFixtures.model()
        model.unet = try UNet2DConditionModel(contentsOf: unet9Folder(), subfolder: "")
        return model
    }

    static func model(channels: Int) throws -> StableDiffusionModel {
        channels == 9 ? try inpaintingModel() : try PipelineFixtures.model()
    }

    /// The mask as diffusers reads it (`convert("L")`).
    static func mask() throws -> Mask { Mask(try maskImage(), rule: .luminance) }
}

extension InpaintPipelineFixtures.Case {
    /// The Easel request diffusers' call corresponds to: the diffusers method, plain prompts, the CPU generator.
    func request() throws -> GenerationRequest {
        var request = GenerationRequest(prompt: InpaintPipelineFixtures.prompt)
        request.negativePrompt = negative
        request.seed = seed
        request.steps = steps
        request.guidanceScale = cfg
        request.width = width
        request.height = height
        request.sampler = SchedulerKind(rawValue: sampler)
        request.promptSyntax = .plain
        request.randomSource = .cpu
        request.vaeTiling = .never
        request.initImage = try PipelineFixtures.initImage()
        request.strength = strength
        request.inpainting = Inpainting(mask: try InpaintPipelineFixtures.mask(), method: .diffusers)
        if let control_scale {
            var unit = ControlUnit(
                controlNet: try ControlPipelineFixtures.net("a"), image: try PipelineFixtures.initImage())
            unit.usesInpaintCondition = true
            unit.weight = control_scale
            unit.resizeMode = .justResize
            request.controlUnits = [unit]
        }
        return request
    }
}
