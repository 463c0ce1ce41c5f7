import EaselCheckpoint
import Foundation

/// One network's model folder: `config.json` and `*[.variant].safetensors` (possibly sharded), given either as the
/// folder itself (`unet/`, a transformers annotator folder) or as the diffusers pipeline folder holding it (when
/// `url` has a `model_index.json`, the `subfolder` in it). Every network's `init(contentsOf:)` opens it.
public struct ComponentFolder {
    /// The component's own folder.
    public let url: URL
    /// Its weights: exactly one component.
    public let weights: CheckpointComponent

    /// - Parameter network: what the folder should hold, for the error message ("UNet", "DPT depth model", ...).
    public init(_ url: URL, subfolder: String? = nil, variant: String? = nil, network: String) throws {
        self.url = subfolder.map { Self.resolving(url, subfolder: $0) } ?? url
        weights = try Self.singleComponent(at: self.url, variant: variant, network: network)
    }

    /// `config.json` in the component's folder.
    public var configURL: URL { url.appendingPathComponent("config.json") }

    /// `url`'s `subfolder` when `url` is a diffusers pipeline folder (it has a `model_index.json`), else `url`.
    public static func resolving(_ url: URL, subfolder: String) -> URL {
        let isPipeline = FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path)
        return isPipeline ? url.appendingPathComponent(subfolder) : url
    }

    /// The one weight component at `url` (a folder or a single weight file); any other count is an error naming
    /// the path and what it should hold.
    public static func singleComponent(at url: URL, variant: String? = nil, network: String) throws -> CheckpointComponent {
        let inventory = try CheckpointInventory(contentsOf: url, variant: variant)
        guard let component = inventory.components.first, inventory.components.count == 1 else {
            throw CheckpointError.invalidModelFolder(
                path: url.path,
                reason: "expected one \(network)'s weights, found \(inventory.components.count) components")
        }
        return component
    }
}
