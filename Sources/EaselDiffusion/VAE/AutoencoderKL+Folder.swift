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
        let source = try ComponentFolder(url, subfolder: subfolder, variant: variant, network: "VAE")
        try self.init(config: AutoencoderKLConfig(contentsOf: source.configURL), weights: source.weights)
    }

    /// The VAE of an LDM single file (`LDMSingleFile.vae`), configured by `AutoencoderKLConfig(inferred:)`.
    /// `normNumGroups` is not in the weights: diffusers uses 32 for every SD VAE.
    public init(singleFile component: LDMSingleFile.Component<InferredVAEShape>, normNumGroups: Int = 32) throws {
        var config = AutoencoderKLConfig(inferred: component.shape)
        config.normNumGroups = normNumGroups
        try self.init(config: config, weights: component.weights)
    }
}
