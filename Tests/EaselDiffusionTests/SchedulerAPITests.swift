import EaselDiffusion
import EaselTensor
import Foundation
import Testing

/// The config reader, the img2img start and the errors, apart from the numbers.
@Suite struct SchedulerAPITests {
    @Test func decodesTheSD15ConfigWithClassDefaultsLeftOpen() throws {
        let url = try #require(Bundle.module.url(
            forResource: "Fixtures/Scheduler_sd15_scheduler_config.json", withExtension: nil))
        let config = try SchedulerConfig(contentsOf: url)
        #expect(config == SchedulerConfig.stableDiffusion15)
        #expect(config.timestepSpacing == nil)  // each class's own default applies
        #expect(config.className == "PNDMScheduler")
        // Missing keys take the diffusers defaults.
        let minimal = try JSONDecoder().decode(SchedulerConfig.self, from: Data("{}".utf8))
        #expect(minimal == SchedulerConfig())
        #expect(minimal.betaSchedule == "linear" && minimal.numTrainTimesteps == 1000)
    }

    @Test func imageToImageStartsWhereDiffusersDoes() throws {
        var ddim = try DDIMScheduler(config: .stableDiffusion15, steps: 25)
        let start = try ddim.startImageToImage(strength: 0.75)
        // int(25 * 0.75) = 18 steps run, t_start = 7.
        #expect(start.skippedSteps == 7 && start.stepCount == 18)
        #expect(start.timesteps == Array(ddim.timesteps[7...]))
        // PNDM's schedule has N + 1 entries; the tail keeps the extra one.
        var pndm = try PNDMScheduler(config: .stableDiffusion15, steps: 20)
        #expect(pndm.timesteps.count == 21)
        #expect(try pndm.startImageToImage(strength: 0.5).timesteps.count == 11)
        // strength 1 runs the whole schedule; 0 runs none.
        var euler = try EulerDiscreteScheduler(config: .stableDiffusion15, steps: 10)
        #expect(try euler.startImageToImage(strength: 1).timesteps == euler.timesteps)
        #expect(try euler.startImageToImage(strength: 0).timesteps.isEmpty)
        #expect(throws: SchedulerError.invalidStrength(1.5)) { try euler.startImageToImage(strength: 1.5) }
    }

    @Test func rejectsWhatDiffusersWouldNotRunAsAsked() {
        let config = SchedulerConfig.stableDiffusion15
        #expect(throws: SchedulerError.invalidStepCount(0, trainTimesteps: 1000)) {
            try SchedulerKind.euler.make(config: config, steps: 0)
        }
        #expect(throws: SchedulerError.invalidStepCount(1001, trainTimesteps: 1000)) {
            try SchedulerKind.ddim.make(config: config, steps: 1001)
        }
        for kind in [SchedulerKind.ddim, .pndm, .eulerAncestral] {
            #expect(throws: SchedulerError.unsupported("Karras sigmas with \(kind.rawValue)")) {
                try kind.make(config: config, steps: 20, karras: true)
            }
        }
        var vPrediction = config
        vPrediction.predictionType = "v_prediction"
        for kind in SchedulerKind.allCases {
            #expect(throws: SchedulerError.unsupported("prediction_type \"v_prediction\"")) {
                try kind.make(config: vPrediction, steps: 20)
            }
        }
        var spacing = config
        spacing.timestepSpacing = "quadratic"
        #expect(throws: SchedulerError.unsupported("timestep_spacing \"quadratic\"")) {
            try SchedulerKind.euler.make(config: spacing, steps: 20)
        }
        #expect(SchedulerKind(rawValue: "euler_a") == .eulerAncestral)
        #expect(SchedulerKind(rawValue: "dpmpp_2m") == .dpmSolverMultistep)
    }
}
