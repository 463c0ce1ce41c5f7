import EaselCheckpoint
import Foundation

extension AutoencoderKL {
    /// Loads a diffusers `vae/` folder (`config.json` + `diffusion_pytorch_model[.variant].safetensors`), or
    /// the `vae/` of a pipeline folder when `url` holds a `model_index.json`.
    /// - Parameters:
    ///   - subfolder: the component to read from a pipeline folder.
    ///   - variant: the diffusers weight variant (e.g. "fp16"); nil reads the default files (or the only
    ///     variant present), as `CheckpointInventory` does.
    public init(contentsOf url: URL, subfolder: String = "vae", variant: String? = nil) throws {
        let isPipeline = FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path)
        let folder = isPipeline ? url.appendingPathComponent(subfolder) : url
        let config = try AutoencoderKLConfig(contentsOf: folder.appendingPathComponent("config.json"))
        let inventory = try CheckpointInventory(contentsOf: folder, variant: variant)
        guard let component = inventory.components.first, inventory.components.count == 1 else {
            throw CheckpointError.invalidModelFolder(
                path: folder.path, reason: "expected one VAE's weights, found \(inventory.components.count) components")
        }
        try self.init(config: config, weights: component)
    }

    /// The VAE of an LDM single file (`LDMSingleFile.vae`), configured by `AutoencoderKLConfig(inferred:)`.
    /// `normNumGroups` is not in the weights: diffusers uses 32 for every SD VAE.
    public init(singleFile component: LDMSingleFile.Component<InferredVAEShape>, normNumGroups: Int = 32) throws {
        var config = AutoencoderKLConfig(inferred: component.shape)
        config.normNumGroups = normNumGroups
        try self.init(config: config, weights: component.weights)
    }
}
