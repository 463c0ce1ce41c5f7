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
        let source = try ComponentFolder(url, subfolder: subfolder, variant: variant, network: "text encoder")
        try self.init(config: CLIPTextConfig(contentsOf: source.configURL), weights: source.weights)
    }
}
