import EaselCheckpoint
import Foundation

extension CLIPTextModel {
    /// Loads a diffusers `text_encoder/` folder (`config.json` + `model[.variant].safetensors`, possibly
    /// sharded), or the `text_encoder/` of a pipeline folder when `url` holds a `model_index.json`.
    /// - Parameters:
    ///   - subfolder: the component to read from a pipeline folder (`text_encoder_2` for SDXL's second).
    ///   - variant: the diffusers weight variant (e.g. "fp16"); nil reads the default files (or the only
    ///     variant present), as `CheckpointInventory` does.
    public init(contentsOf url: URL, subfolder: String = "text_encoder", variant: String? = nil) throws {
        let isPipeline = FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path)
        let folder = isPipeline ? url.appendingPathComponent(subfolder) : url
        let config = try CLIPTextConfig(contentsOf: folder.appendingPathComponent("config.json"))
        let inventory = try CheckpointInventory(contentsOf: folder, variant: variant)
        guard let component = inventory.components.first, inventory.components.count == 1 else {
            throw CheckpointError.invalidModelFolder(
                path: folder.path, reason: "expected one text encoder's weights, found \(inventory.components.count) components")
        }
        try self.init(config: config, weights: component)
    }
}
