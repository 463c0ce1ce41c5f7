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
        try SchedulerConfig(
            contentsOf: FixtureFolder(.module, writtenBy: "make_scheduler_fixtures.py").url("Scheduler_sd15_scheduler_config.json"))
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
                + "start \(startError), one step max \(maxStepError), free-run final \(finalError)"
        }
    }

    static func run(_ caseName: String) throws -> Measured {
        let f = try fixture()
        let name = try f.string("\(caseName).scheduler")
        let steps = try f.int("\(caseName).steps_count")
        let strength = Double(try f.string("\(caseName).strength")) ?? 0
        var caseConfig = try config()
        if let json = f.file.metadata["\(caseName).config"] {
            caseConfig = try JSONDecoder().decode(SchedulerConfig.self, from: Data(json.utf8))
        }
        var scheduler = try makeFixtureScheduler(name, config: caseConfig, steps: steps)
        let timestepULP = maxULPDistance(scheduler.timesteps, try f.tensor("\(caseName).timesteps").scalars)
        let (sigmaULP, initSigmaULP) = try scheduleULP(scheduler, caseName, f)

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
        // Each step from the reference's previous sample, so one step's error is measured on its own...
        var stepScheduler = scheduler
        var stepLatents = latents
        var maxStepError: Float = 0
        for (t, reference) in zip(timesteps, expected) {
            let input = stepScheduler.scaleModelInput(stepLatents, timestep: t)
            let eps = fakeModel(input, timestep: t, pattern: pattern)
            let next = stepScheduler.step(output: eps, timestep: t, sample: stepLatents, random: &random)
            maxStepError = max(maxStepError, maxRelativeError(next, reference))
            stepLatents = reference
        }
        // ...and the whole loop on its own results, as a pipeline runs it.
        random = FixtureRandomSource(bank: try f.tensor("ancestral_noise"))
        for t in timesteps {
            let input = scheduler.scaleModelInput(latents, timestep: t)
            let eps = fakeModel(input, timestep: t, pattern: pattern)
            latents = scheduler.step(output: eps, timestep: t, sample: latents, random: &random)
        }
        let finalError = maxRelativeError(latents, expected.last ?? latents)
        return Measured(caseName: caseName, timestepULP: timestepULP, sigmaULP: sigmaULP, initSigmaULP: initSigmaULP,
                        startError: startError, maxStepError: maxStepError, finalError: finalError)
    }

    /// The distance of `sigmas` (for the schedulers that have them) and `init_noise_sigma` from the fixture's.
    static func scheduleULP(_ scheduler: any Scheduler, _ caseName: String, _ f: ReferenceFixture) throws -> (Int, Int) {
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
        let initSigma = try f.tensor("\(caseName).init_noise_sigma").scalars
        return (sigmaULP, maxULPDistance([scheduler.initNoiseSigma], initSigma))
    }

    static func cases(_ prefix: String) throws -> [String] {
        try fixture().string("cases").split(separator: ",").map(String.init)
            .filter { $0.hasPrefix(prefix + "_") && ($0.dropFirst(prefix.count + 1).first?.isNumber ?? false) }
    }

    /// Tolerances, set after measuring (largest seen: 1 ulp sigmas, 2 ulp init sigma, 7 ulp Euler Karras
    /// timesteps, 3.9e-7 one step, 6.6e-7 free-running). The step maths are the same float32 operations in
    /// the same order as diffusers'; what differs is the last bit of torch's `sqrt` (`x ** 0.5`), `log` and `exp`
    /// (not correctly rounded on this build; Easel's are) and numpy's float32 `np.log` in `_sigma_to_t`, which
    /// makes Euler's float Karras timesteps differ by a few ulp (DPM-Solver's are rounded to integers: exact).
    static let maxSigmaULP = 1
    /// `(sigma_max ** 2 + 1) ** 0.5` under "leading" spacing carries sigma_max's ulp through a square and a root.
    static let maxInitSigmaULP = 2
    static let maxKarrasEulerTimestepULP = 8
    static let maxStepError: Float = 1e-6
    /// The free-running loop's last sample (errors of earlier steps carried along).
    static let maxFinalError: Float = 2e-6

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
            #expect(m.initSigmaULP <= Self.maxInitSigmaULP, "\(m)")
            #expect(m.startError <= Self.maxStepError, "\(m)")
            #expect(m.maxStepError <= Self.maxStepError, "\(m)")
            #expect(m.finalError <= Self.maxFinalError, "\(m)")
        }
    }

    /// Each class's own defaults (linear betas, DDIM clipping x0 with alpha set to one) and a cosine schedule.
    @Test(arguments: ["defaults", "cosine"])
    func matchesDiffusersUnderOtherConfigs(config: String) throws {
        let names = try Self.fixture().string("cases").split(separator: ",").map(String.init)
            .filter { $0.hasPrefix(config + "_") }
        #expect(names.count >= 6)
        for caseName in names {
            let m = try Self.run(caseName)
            print("Scheduler parity \(m)")
            let timestepBound = caseName.contains("euler_karras") ? Self.maxKarrasEulerTimestepULP : 0
            #expect(m.timestepULP <= timestepBound, "\(m)")
            #expect(m.sigmaULP <= Self.maxSigmaULP, "\(m)")
            #expect(m.initSigmaULP <= Self.maxInitSigmaULP, "\(m)")
            #expect(m.startError <= Self.maxStepError, "\(m)")
            #expect(m.maxStepError <= Self.maxStepError, "\(m)")
            #expect(m.finalError <= Self.maxFinalError, "\(m)")
        }
    }

    /// "linspace", "leading" and "trailing" for every class, whatever its default.
    @Test func matchesDiffusersTimestepSpacings() throws {
        let f = try Self.fixture()
        let names = try f.string("spacing_cases").split(separator: ",").map(String.init)
        #expect(names.count == 7 * 3 * 5)
        var worst = (timesteps: 0, sigmas: 0, initSigma: 0)
        for caseName in names {
            var config = try Self.config()
            config.timestepSpacing = try f.string("\(caseName).spacing")
            let name = try f.string("\(caseName).scheduler")
            let scheduler = try makeFixtureScheduler(name, config: config, steps: try f.int("\(caseName).steps_count"))
            let timestepULP = maxULPDistance(scheduler.timesteps, try f.tensor("\(caseName).timesteps").scalars)
            let (sigmaULP, initSigmaULP) = try Self.scheduleULP(scheduler, caseName, f)
            let timestepBound = name == "euler_karras" ? Self.maxKarrasEulerTimestepULP : 0
            #expect(timestepULP <= timestepBound, "\(caseName): timesteps \(timestepULP) ulp")
            #expect(sigmaULP <= Self.maxSigmaULP, "\(caseName): sigmas \(sigmaULP) ulp")
            #expect(initSigmaULP <= Self.maxInitSigmaULP, "\(caseName): init_noise_sigma \(initSigmaULP) ulp")
            worst = (max(worst.timesteps, timestepULP), max(worst.sigmas, sigmaULP), max(worst.initSigma, initSigmaULP))
        }
        print("Scheduler spacing worst: timesteps \(worst.timesteps) ulp, sigmas \(worst.sigmas) ulp, init sigma \(worst.initSigma) ulp")
    }
}
