import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// `ControlNetModel` against diffusers' on random weights (Tests/Reference/make_controlnet_fixtures.py), every
/// parameter re-randomised (the zero convolutions too), references in float64. Errors are the largest
/// max-relative error over the 13 (or 7) residuals.
@Suite struct ControlNetParityTests {
    @Test func sd1FolderMatchesDiffusersWithAConditioningScale() throws {
        let model = try ControlNetFixtures.sd1()
        #expect(model.residualCount == 13)
        let (residuals, error) = try ControlNetFixtures.run(model, onCase: "sd1_scale")
        #expect(residuals.down.count == 12)
        #expect(residuals.down[0].shape == [2, 4, 8, 8] && residuals.mid.shape == [2, 8, 1, 1])
        #expect(error < 5e-6)  // measured 1.5e-6 (torch float32: 1.3e-6)
    }

    @Test func guessModeRampsTheResidualsAsDiffusers() throws {
        let (_, error) = try ControlNetFixtures.run(try ControlNetFixtures.sd1(), onCase: "sd1_guess")
        #expect(error < 5e-6)  // measured 1.4e-6 (torch float32: 9.1e-7)
    }

    /// The 13 guess-mode factors are torch.logspace(-1, 0, 13) in float32, bit for bit.
    @Test func guessModeScalesAreTorchLogspace() throws {
        let torch = try ControlNetFixtures.outputs().tensor("logspace").scalars
        #expect(ControlNetResidualScales.guessMode(1, count: 13) == torch)
        let model = try ControlNetFixtures.sd1()
        #expect(model.residualScales(conditioningScale: 0.5, guessMode: true) == torch.map { $0 * 0.5 })
        #expect(model.residualScales(conditioningScale: 0.5) == Array(repeating: 0.5, count: 13))
    }

    /// Per-residual scales (A1111's "My prompt is more important" at weight 0.9) equal diffusers' unscaled
    /// residuals times the factors.
    @Test func perResidualScalesApplyToEachResidual() throws {
        let fixture = try ControlNetFixtures.outputs()
        let scales = try fixture.tensor("sd1_soft.scales").scalars
        let soft = ControlNetResidualScales.softInjection(weight: 0.9)
        #expect(zip(soft, scales).allSatisfy { abs($0 - $1) <= 1e-7 * abs($1) })
        let inputs = try ControlNetFixtures.inputs("sd1")
        let residuals = try ControlNetFixtures.sd1()(
            inputs.sample, timestep: 999, encoderHiddenStates: inputs.encoderHiddenStates, condition: inputs.condition,
            scales: scales)
        let error = ControlNetFixtures.error(residuals, try ControlNetFixtures.reference("sd1_soft"))
        #expect(error < 5e-6)  // measured 1.5e-6
    }

    /// The SD 2.x-like net (linear projections, per-level heads, two transformer layers, flip_sin_to_cos false,
    /// freq_shift 1) from its fp16 variant, with global_pool_conditions: residuals averaged over H, W, and guess
    /// mode's ramp ignored as diffusers ignores it.
    @Test(arguments: ["sd2_pool", "sd2_pool_guess"])
    func pooledSD2StyleNetMatchesDiffusers(name: String) throws {
        let model = try ControlNetModel(contentsOf: ControlNetFixtures.sd2Folder(), variant: "fp16")
        #expect(model.config.globalPoolConditions && model.residualCount == 7)
        let (residuals, error) = try ControlNetFixtures.run(model, onCase: name)
        #expect(residuals.down[0].shape == [2, 8, 5, 7])  // spread over the skip tensor's size
        #expect(error < 5e-6)  // measured sd2_pool 5.5e-7, sd2_pool_guess 5.7e-7
    }

    /// The residuals, fed to the UNet with the same encoder settings, give diffusers' UNet output under
    /// `down_block_additional_residuals` / `mid_block_additional_residual`.
    @Test func residualsDriveTheUNetAsInDiffusers() throws {
        let inputs = try ControlNetFixtures.inputs("sd1")
        let residuals = try ControlNetFixtures.sd1()(
            inputs.sample, timestep: 999, encoderHiddenStates: inputs.encoderHiddenStates, condition: inputs.condition,
            conditioningScale: 0.7)
        let unet = try UNet2DConditionModel(contentsOf: ControlNetFixtures.unetFolder())
        try unet.checkInputs(inputs.sample, encoderHiddenStates: inputs.encoderHiddenStates, controlResiduals: residuals)
        let output = unet(inputs.sample, timestep: 999, encoderHiddenStates: inputs.encoderHiddenStates, controlResiduals: residuals)
        let error = maxRelativeError(output, try ControlNetFixtures.outputs().tensor("unet_control.output"))
        #expect(error < 5e-6)  // measured 8.9e-7
    }
}
