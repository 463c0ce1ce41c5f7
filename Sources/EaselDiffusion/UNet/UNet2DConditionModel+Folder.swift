import EaselCheckpoint
import Foundation

extension UNet2DConditionModel {
    /// Loads a diffusers `unet/` folder (`config.json` + `diffusion_pytorch_model[.variant].safetensors`, possibly
    /// sharded), or the `unet/` of a pipeline folder when `url` holds a `model_index.json`.
    /// - Parameters:
    ///   - subfolder: the component to read from a pipeline folder.
    ///   - variant: the diffusers weight variant (e.g. "fp16"); nil reads the default files (or the only variant
    ///     present), as `CheckpointInventory` does.
    public init(contentsOf url: URL, subfolder: String = "unet", variant: String? = nil) throws {
        let isPipeline = FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path)
        let folder = isPipeline ? url.appendingPathComponent(subfolder) : url
        let config = try UNet2DConditionConfig(contentsOf: folder.appendingPathComponent("config.json"))
        let inventory = try CheckpointInventory(contentsOf: folder, variant: variant)
        guard let component = inventory.components.first, inventory.components.count == 1 else {
            throw CheckpointError.invalidModelFolder(
                path: folder.path, reason: "expected one UNet's weights, found \(inventory.components.count) components")
        }
        try self.init(config: config, weights: component)
    }
}
