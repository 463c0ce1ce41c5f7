import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation

/// The ControlNet fixtures written by Tests/Reference/make_controlnet_fixtures.py.
enum ControlNetFixtures {
    static let fixtures = FixtureFolder(.module, writtenBy: "make_controlnet_fixtures.py")

    static func outputs() throws -> ReferenceFixture { try ReferenceFixture("ControlNet_outputs.safetensors", in: .module) }

    /// `ControlNet_sd1/`: SD 1.x-like, 12 down residuals + mid, float32 weights.
    static func sd1Folder() throws -> URL { try fixtures.url("ControlNet_sd1") }
    /// `ControlNet_sd2/`: SD 2.x-like, pooled, weights only as the fp16 variant.
    static func sd2Folder() throws -> URL { try fixtures.url("ControlNet_sd2") }
    /// `ControlNet_sd1_unet/`: the UNet that takes ControlNet_sd1's residuals.
    static func unetFolder() throws -> URL { try fixtures.url("ControlNet_sd1_unet") }

    static func sd1() throws -> ControlNetModel { try ControlNetModel(contentsOf: sd1Folder()) }

    /// Every tensor of the SD 1.x-like folder, in memory, for tests that edit the set.
    static func sd1Tensors() throws -> [String: Tensor] {
        let inventory = try CheckpointInventory(contentsOf: sd1Folder())
        guard let store = inventory.components.first else { throw fixtures.missing("ControlNet_sd1") }
        var tensors: [String: Tensor] = [:]
        for name in store.tensorNames { tensors[name] = try store.tensor(named: name) }
        return tensors
    }

    static func sd1Config() throws -> ControlNetConfig {
        try ControlNetConfig(contentsOf: sd1Folder().appendingPathComponent("config.json"))
    }

    struct Inputs {
        var sample: Tensor
        var encoderHiddenStates: Tensor
        var condition: Tensor
    }

    /// An input set of the outputs fixture (`sd1`, `sd2`, `ldm`).
    static func inputs(_ set: String) throws -> Inputs {
        let fixture = try outputs()
        return Inputs(
            sample: try fixture.tensor(set + ".sample"), encoderHiddenStates: try fixture.tensor(set + ".encoder_hidden_states"),
            condition: try fixture.tensor(set + ".condition"))
    }

    /// diffusers' residuals for case `name` (pooled ones are `[N, C, 1, 1]`).
    static func reference(_ name: String) throws -> UNetControlResiduals {
        let fixture = try outputs()
        let count = try fixture.int(name + ".down_count")
        return UNetControlResiduals(
            down: try (0..<count).map { try fixture.tensor(name + ".down_\($0)") }, mid: try fixture.tensor(name + ".mid"))
    }

    /// The largest `maxRelativeError` over the residuals (each against its own scale); a reference of shape
    /// `[N, C, 1, 1]` (diffusers' pooled residuals) is compared broadcast over the actual residual.
    static func error(_ actual: UNetControlResiduals, _ expected: UNetControlResiduals) -> Float {
        guard actual.down.count == expected.down.count else { return .infinity }
        func one(_ a: Tensor, _ e: Tensor) -> Float {
            let wanted = e.shape.count == 4 && e.shape[2] == 1 && e.shape[3] == 1 && a.shape != e.shape
                ? Tensor(zeros: a.shape) + e : e
            return maxRelativeError(a, wanted)
        }
        return zip(actual.down + [actual.mid], expected.down + [expected.mid]).map(one).max() ?? .infinity
    }

    /// Runs `model` on case `name` with the case's scale and guess mode; returns the residuals and their error.
    static func run(_ model: ControlNetModel, onCase name: String) throws -> (UNetControlResiduals, Float) {
        let fixture = try outputs()
        let inputs = try inputs(try fixture.string(name + ".inputs"))
        let residuals = try model(
            inputs.sample, timestep: try fixture.float(name + ".timestep"), encoderHiddenStates: inputs.encoderHiddenStates,
            condition: inputs.condition, conditioningScale: try fixture.float(name + ".conditioning_scale"),
            guessMode: try fixture.string(name + ".guess_mode") == "true")
        return (residuals, error(residuals, try reference(name)))
    }
}
