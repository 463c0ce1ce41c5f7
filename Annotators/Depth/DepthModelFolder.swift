import EaselCheckpoint
import Foundation

/// A transformers model folder (`config.json` next to `model.safetensors`, possibly sharded), as
/// `save_pretrained` writes it and the Hugging Face hub serves Intel/dpt-hybrid-midas and the
/// depth-anything-*-hf models.
struct DepthModelFolder {
    let configURL: URL
    let weights: CheckpointComponent

    /// - Parameter network: what the folder should hold, for the error message.
    init(_ url: URL, network: String) throws {
        configURL = url.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw CheckpointError.invalidModelFolder(
                path: url.path, reason: "expected a \(network) folder with config.json and model.safetensors")
        }
        let inventory = try CheckpointInventory(contentsOf: url)
        guard let component = inventory.components.first, inventory.components.count == 1 else {
            throw CheckpointError.invalidModelFolder(
                path: url.path, reason: "expected one \(network)'s weights, found \(inventory.components.count) components")
        }
        weights = component
    }
}
