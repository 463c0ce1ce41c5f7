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
        let source = try ComponentFolder(url, subfolder: subfolder, variant: variant, network: "UNet")
        try self.init(config: UNet2DConditionConfig(contentsOf: source.configURL), weights: source.weights)
    }
}
