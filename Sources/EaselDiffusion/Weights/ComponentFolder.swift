import EaselCheckpoint
import Foundation

/// One network's diffusers folder: `config.json` and `*[.variant].safetensors` (possibly sharded), given either
/// as the component folder itself (`unet/`) or as the pipeline folder holding it (when `url` has a
/// `model_index.json`, the `subfolder` in it). Every network's `init(contentsOf:subfolder:variant:)` opens it.
struct ComponentFolder {
    /// The component's own folder.
    let url: URL
    /// Its weights: exactly one component.
    let weights: CheckpointComponent

    /// - Parameter network: what the folder should hold, for the error message ("UNet", "VAE", ...).
    init(_ url: URL, subfolder: String, variant: String?, network: String) throws {
        let isPipeline = FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path)
        self.url = isPipeline ? url.appendingPathComponent(subfolder) : url
        let inventory = try CheckpointInventory(contentsOf: self.url, variant: variant)
        guard let component = inventory.components.first, inventory.components.count == 1 else {
            throw CheckpointError.invalidModelFolder(
                path: self.url.path,
                reason: "expected one \(network)'s weights, found \(inventory.components.count) components")
        }
        weights = component
    }

    /// `config.json` in the component's folder.
    var configURL: URL { url.appendingPathComponent("config.json") }
}
