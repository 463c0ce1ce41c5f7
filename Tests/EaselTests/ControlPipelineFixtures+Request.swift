import Easel
import EaselDiffusion
import EaselImage
import EaselTestSupport
import Foundation

extension ControlPipelineFixtures {
    /// The fixture nets, loaded once for the whole test run (as an application shares them between requests).
    static let nets: [String: LoadedControlNet] = {
        var nets: [String: LoadedControlNet] = [:]
        for name in ["a", "b"] {
            nets[name] = try? LoadedControlNet(contentsOf: netFolder(name))
        }
        return nets
    }()

    static func net(_ name: String) throws -> LoadedControlNet {
        guard let net = nets[name] else { throw folder.missing("ControlPipeline_net_\(name)") }
        return net
    }
}

extension ControlPipelineFixtures.Case {
    /// The Easel request diffusers' call corresponds to: plain prompts, the CPU generator, and units that
    /// stretch their condition as diffusers does (`.justResize`).
    func request() throws -> GenerationRequest {
        var request = GenerationRequest(prompt: ControlPipelineFixtures.prompt)
        request.negativePrompt = negative
        request.seed = seed
        request.steps = steps
        request.guidanceScale = cfg
        request.width = width
        request.height = height
        request.sampler = SchedulerKind(rawValue: samplerAndKarras.sampler)
        request.karras = samplerAndKarras.karras
        request.promptSyntax = .plain
        request.randomSource = .cpu
        request.vaeTiling = .never
        if let strength {
            request.initImage = try PipelineFixtures.initImage()
            request.strength = strength
        }
        request.controlUnits = try nets.indices.map { index in
            var unit = ControlUnit(
                controlNet: try ControlPipelineFixtures.net(nets[index]),
                image: try ControlPipelineFixtures.condition(images[index]))
            unit.weight = scales[index]
            unit.guidanceStart = starts[index]
            unit.guidanceEnd = ends[index]
            unit.resizeMode = .justResize
            unit.controlMode = ControlMode(rawValue: mode) ?? .balanced
            return unit
        }
        return request
    }
}
