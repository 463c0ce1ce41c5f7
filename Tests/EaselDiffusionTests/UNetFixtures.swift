import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation

/// The UNet fixtures written by Tests/Reference/make_unet_fixtures.py.
enum UNetFixtures {
    static let fixtures = FixtureFolder(.module, writtenBy: "make_unet_fixtures.py")

    /// `UNet_sd1/`: a diffusers `unet/` folder (SD 1.x-like: conv projections, heads from an int).
    static func sd1Folder() throws -> URL { try fixtures.url("UNet_sd1") }
    /// `UNet_sd2/`: a pipeline folder (`model_index.json` + `unet/`; SD 2.x-like: linear projections, per-level
    /// heads, two transformer layers on the first level).
    static func sd2PipelineFolder() throws -> URL { try fixtures.url("UNet_sd2") }

    static func outputs() throws -> ReferenceFixture { try ReferenceFixture("UNet_outputs.safetensors", in: .module) }

    static func sd1() throws -> UNet2DConditionModel { try UNet2DConditionModel(contentsOf: sd1Folder()) }

    /// Every tensor of the SD 1.x-like folder, in memory, for tests that edit the set.
    static func sd1Tensors() throws -> [String: Tensor] {
        let inventory = try CheckpointInventory(contentsOf: sd1Folder())
        guard let store = inventory.components.first else { throw fixtures.missing("UNet_sd1") }
        var tensors: [String: Tensor] = [:]
        for name in store.tensorNames { tensors[name] = try store.tensor(named: name) }
        return tensors
    }

    static func sd1Config() throws -> UNet2DConditionConfig {
        try UNet2DConditionConfig(contentsOf: sd1Folder().appendingPathComponent("config.json"))
    }

    /// Runs `model` on case `name` of the outputs fixture (with its control residuals, when it has them) and
    /// returns the max relative error against the float64 reference.
    static func error(of model: UNet2DConditionModel, onCase name: String) throws -> Float {
        let fixture = try outputs()
        var control: UNetControlResiduals?
        if let count = try? fixture.int(name + ".control_down_count") {
            control = UNetControlResiduals(
                down: try (0..<count).map { try fixture.tensor(name + ".control_down_\($0)") },
                mid: try fixture.tensor(name + ".control_mid"))
        }
        let output = model(
            try fixture.tensor(name + ".sample"), timestep: try fixture.float(name + ".timestep"),
            encoderHiddenStates: try fixture.tensor(name + ".encoder_hidden_states"), controlResiduals: control)
        return maxRelativeError(output, try fixture.tensor(name + ".output"))
    }
}
