import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation

/// The VAE fixtures written by Tests/Reference/make_vae_fixtures.py.
enum VAEFixtures {
    /// The three model folders: `two_level` (batch 2, logvar clamp exercised), `three_level` (odd latent
    /// sizes 11x7; sample_size 32 for the tiling test) and `plain` (no mid attention, no quant convs).
    static let modelNames = ["two_level", "three_level", "plain"]

    static let fixtures = FixtureFolder(.module, writtenBy: "make_vae_fixtures.py")

    static func folder(_ model: String) throws -> URL { try fixtures.url("VAE_" + model) }

    static func outputs() throws -> ReferenceFixture { try ReferenceFixture("VAE_outputs.safetensors", in: .module) }

    static func model(_ model: String) throws -> AutoencoderKL { try AutoencoderKL(contentsOf: folder(model)) }

    static func config(_ model: String) throws -> AutoencoderKLConfig {
        try AutoencoderKLConfig(contentsOf: folder(model).appendingPathComponent("config.json"))
    }

    /// Every tensor of a fixture model folder, in memory, for tests that edit the set.
    static func tensors(_ model: String) throws -> [String: Tensor] {
        let inventory = try CheckpointInventory(contentsOf: folder(model))
        guard let store = inventory.components.first else { throw fixtures.missing("VAE_" + model) }
        var tensors: [String: Tensor] = [:]
        for name in store.tensorNames { tensors[name] = try store.tensor(named: name) }
        return tensors
    }
}
