import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// Each scheduler against diffusers 0.42.1 step by step (fixture: Tests/Reference/make_scheduler_fixtures.py).
@Suite struct SchedulerParityTests {
    static func fixture() throws -> ReferenceFixture {
        try ReferenceFixture("Scheduler_steps.safetensors", in: .module)
    }

    static func config() throws -> SchedulerConfig {
        guard let url = Bundle.module.url(
            forResource: "Fixtures/Scheduler_sd15_scheduler_config.json", withExtension: nil)
        else { throw FixtureError.missing("Scheduler_sd15_scheduler_config.json") }
        return try SchedulerConfig(contentsOf: url)
    }

    struct Measured: CustomStringConvertible {
        var caseName: String
        var timestepULP: Int
        var sigmaULP: Int
        var initSigmaULP: Int
        var startError: Float
        var maxStepError: Float
        var finalError: Float
        var description: String {
            "\(caseName): timesteps \(timestepULP) ulp, sigmas \(sigmaULP) ulp, init sigma \(initSigmaULP) ulp, "
                + "start \(startError), steps max \(maxStepError), final \(finalError)"
        }
    }

    static func run(_ caseName: String) throws -> Measured {
        let f = try fixture()
        let name = try f.string("\(caseName).scheduler")
        let steps = try f.int("\(caseName).steps_count")
        let strength = Double(try f.string("\(caseName).strength")) ?? 0
        var scheduler = try makeFixtureScheduler(name, config: try config(), steps: steps)
        let timestepULP = maxULPDistance(scheduler.timesteps, try f.tensor("\(caseName).timesteps").scalars)
        var sigmaULP = 0
        if f.file.tensors.keys.contains("\(caseName).sigmas") {
            let sigmas: [Float]
            switch scheduler {
            case let s as EulerDiscreteScheduler: sigmas = s.sigmas
            case let s as EulerAncestralDiscreteScheduler: sigmas = s.sigmas
            case let s as DPMSolverMultistepScheduler: sigmas = s.sigmas
            default: sigmas = []
            }
            sigmaULP = maxULPDistance(sigmas, try f.tensor("\(caseName).sigmas").scalars)
        }
        let initSigmaULP = maxULPDistance([scheduler.initNoiseSigma], try f.tensor("\(caseName).init_noise_sigma").scalars)

        let noise = try f.tensor("noise")
        let pattern = try f.tensor("pattern")
        var timesteps = scheduler.timesteps
        var latents: Tensor
        if strength == 0 {
            latents = noise * scheduler.initNoiseSigma
        } else {
            let start = try scheduler.startImageToImage(strength: strength)
            timesteps = start.timesteps
            latents = scheduler.addNoise(original: try f.tensor("x0"), noise: noise, timestep: timesteps[0])
        }
        let startError = maxRelativeError(latents, try f.tensor("\(caseName).start"))
        var random = FixtureRandomSource(bank: try f.tensor("ancestral_noise"))
        let expected = slices(try f.tensor("\(caseName).steps"))
        guard expected.count == timesteps.count else {
            return Measured(caseName: caseName, timestepULP: timestepULP, sigmaULP: sigmaULP, initSigmaULP: initSigmaULP,
                            startError: startError, maxStepError: .infinity, finalError: .infinity)
        }
        var maxStepError: Float = 0
        var finalError: Float = 0
        for (t, reference) in zip(timesteps, expected) {
            let input = scheduler.scaleModelInput(latents, timestep: t)
            let eps = fakeModel(input, timestep: t, pattern: pattern)
            latents = scheduler.step(output: eps, timestep: t, sample: latents, random: &random)
            finalError = maxRelativeError(latents, reference)
            maxStepError = max(maxStepError, finalError)
            // Continue from the reference so one step's error is measured on its own.
            latents = reference
        }
        return Measured(caseName: caseName, timestepULP: timestepULP, sigmaULP: sigmaULP, initSigmaULP: initSigmaULP,
                        startError: startError, maxStepError: maxStepError, finalError: finalError)
    }

    static func cases(_ prefix: String) throws -> [String] {
        try fixture().string("cases").split(separator: ",").map(String.init)
            .filter { $0.hasPrefix(prefix + "_") && ($0.dropFirst(prefix.count + 1).first?.isNumber ?? false) }
    }

    /// Tolerances, all measured first (see the report in the commit): the step maths are the same float32
    /// operations in the same order as diffusers'; what differs is the last bit of `x ** 0.5`, `log`, `exp` on
    /// 0-dim tensors, which torch evaluates with SLEEF and Easel with correctly rounded functions, and numpy's
    /// float32 `np.log` in `_sigma_to_t` (Karras timesteps, float32 under Euler).
    static let maxSigmaULP = 1
    static let maxKarrasEulerTimestepULP = 8
    static let maxStepError: Float = 1e-6

    @Test(arguments: ["ddim", "pndm", "euler", "euler_karras", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"])
    func matchesDiffusersStepByStep(scheduler: String) throws {
        let names = try Self.cases(scheduler)
        #expect(names.count == 8)  // N = 1, 4, 20, 25, 50 and three img2img runs
        for caseName in names {
            let m = try Self.run(caseName)
            print("Scheduler parity \(m)")
            let timestepBound = scheduler == "euler_karras" ? Self.maxKarrasEulerTimestepULP : 0
            #expect(m.timestepULP <= timestepBound, "\(m)")
            #expect(m.sigmaULP <= Self.maxSigmaULP, "\(m)")
            #expect(m.initSigmaULP <= Self.maxSigmaULP, "\(m)")
            #expect(m.startError <= Self.maxStepError, "\(m)")
            #expect(m.maxStepError <= Self.maxStepError, "\(m)")
        }
    }
}
