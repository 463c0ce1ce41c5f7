import Easel
import EaselDiffusion
import EaselImage
import EaselTestSupport

extension PipelineFixtures.Case {
    /// The Easel request diffusers' call corresponds to: plain prompts (diffusers' tokenization and truncation)
    /// and the CPU generator.
    func request(initImage: Image?) -> GenerationRequest {
        var request = GenerationRequest(prompt: prompt)
        request.negativePrompt = negative
        request.seed = seed
        request.steps = steps
        request.guidanceScale = cfg
        request.width = width
        request.height = height
        request.sampler = SchedulerKind(rawValue: samplerAndKarras.sampler)
        request.karras = samplerAndKarras.karras
        request.clipSkip = (clip_skip ?? 0) + 1
        request.promptSyntax = .plain
        request.randomSource = .cpu
        request.vaeTiling = vae_tiling == true ? .always : .never
        if let strength {
            request.initImage = initImage
            request.strength = strength
        }
        return request
    }
}

extension PipelineFixtures {
    static func model() throws -> StableDiffusionModel {
        try StableDiffusionModel(contentsOf: modelFolder())
    }

    static func singleFileModel() throws -> StableDiffusionModel {
        try StableDiffusionModel(contentsOf: singleFile(), configuration: modelFolder())
    }
}
