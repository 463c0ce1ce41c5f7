import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// `MultiControlNet` against diffusers' `MultiControlNetModel` (make_controlnet_fixtures.py case `multi`: the sd1
/// net twice, each unit with its own condition image and scale).
@Suite struct ControlNetMultiTests {
    @Test func unitsAreSummedAsInDiffusers() throws {
        let fixture = try ControlNetFixtures.outputs()
        let inputs = try ControlNetFixtures.inputs("sd1")
        let net = try ControlNetFixtures.sd1()
        let multi = MultiControlNet([net, net])
        let residuals = try #require(try multi(
            inputs.sample, timestep: 999, encoderHiddenStates: inputs.encoderHiddenStates,
            conditions: [inputs.condition, try fixture.tensor("multi.condition_1")], conditioningScales: [0.7, 0.4]))
        let error = ControlNetFixtures.error(residuals, try ControlNetFixtures.reference("multi"))
        #expect(error < 3e-6)  // measured 5.8e-7
    }

    @Test func unitCountsAndShapesMustAgree() throws {
        let inputs = try ControlNetFixtures.inputs("sd1")
        let net = try ControlNetFixtures.sd1()
        #expect(throws: ControlNetInputError.unitCount(nets: 2, conditions: 1, scales: 2)) {
            try MultiControlNet([net, net])(
                inputs.sample, timestep: 1, encoderHiddenStates: inputs.encoderHiddenStates, conditions: [inputs.condition],
                conditioningScales: [1, 1])
        }
        #expect(try MultiControlNet.sum([]) == nil)
        let a = UNetControlResiduals(down: [Tensor(zeros: [1, 2, 4, 4])], mid: Tensor(zeros: [1, 2, 2, 2]))
        let b = UNetControlResiduals(down: [Tensor(zeros: [1, 3, 4, 4])], mid: Tensor(zeros: [1, 2, 2, 2]))
        #expect(throws: ControlNetInputError.residualMismatch(index: 0, shape: [1, 3, 4, 4], expected: [1, 2, 4, 4])) {
            try MultiControlNet.sum([a, b])
        }
        let c = UNetControlResiduals(down: [], mid: Tensor(zeros: [1, 2, 2, 2]))
        #expect(throws: ControlNetInputError.residualCount(actual: 0, expected: 1)) { try MultiControlNet.sum([a, c]) }
    }
}
