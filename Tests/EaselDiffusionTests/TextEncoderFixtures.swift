import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation

/// The TextEncoder fixtures written by Tests/Reference/make_text_encoder_fixtures.py.
enum TextEncoderFixtures {
    /// The two model folders: `quickgelu` (SD 1.x style, `text_model.` prefix and position_ids buffer) and
    /// `gelu` (SD 2.x style activation, transformers 5 layout without the prefix).
    static let modelNames = ["quickgelu", "gelu"]

    static let fixtures = FixtureFolder(.module, writtenBy: "make_text_encoder_fixtures.py")

    static func folder(_ model: String) throws -> URL {
        try fixtures.url("TextEncoder_" + model)
    }

    static func outputs() throws -> ReferenceFixture { try ReferenceFixture("TextEncoder_outputs.safetensors", in: .module) }

    /// The fixture's `[B, L]` ids (stored as floats) as rows of token ids.
    static func inputIDs(_ model: String, in fixture: ReferenceFixture) throws -> [[Int32]] {
        let ids = try fixture.tensor(model + ".input_ids")
        let (rows, length) = (ids.shape[0], ids.shape[1])
        return (0..<rows).map { row in (0..<length).map { Int32(ids.scalars[row * length + $0]) } }
    }

    /// Every tensor of a fixture model folder, in memory, for tests that edit the set.
    static func tensors(_ model: String) throws -> [String: Tensor] {
        let store = try component(model)
        var tensors: [String: Tensor] = [:]
        for name in store.tensorNames { tensors[name] = try store.tensor(named: name) }
        return tensors
    }

    static func config(_ model: String) throws -> CLIPTextConfig {
        try CLIPTextConfig(contentsOf: folder(model).appendingPathComponent("config.json"))
    }

    private static func component(_ model: String) throws -> CheckpointComponent {
        let inventory = try CheckpointInventory(contentsOf: folder(model))
        guard let component = inventory.components.first else { throw fixtures.missing("TextEncoder_" + model) }
        return component
    }
}
