import EaselCheckpoint
import Foundation

extension ControlNetModel {
    /// Loads a diffusers controlnet folder (`config.json` + `diffusion_pytorch_model[.variant].safetensors`,
    /// possibly sharded), or the `controlnet/` of a pipeline folder when `url` holds a `model_index.json`.
    /// - Parameters:
    ///   - subfolder: the component to read from a pipeline folder.
    ///   - variant: the diffusers weight variant (e.g. "fp16"); nil reads the default files (or the only variant
    ///     present), as `CheckpointInventory` does.
    public init(contentsOf url: URL, subfolder: String = "controlnet", variant: String? = nil) throws {
        let source = try ComponentFolder(url, subfolder: subfolder, variant: variant, network: "ControlNet")
        try self.init(config: ControlNetConfig(contentsOf: source.configURL), weights: source.weights)
    }

    /// Loads a ControlNet v1.1 single file (`control_v11p_sd15_canny.safetensors` and the like: `control_model.*`
    /// tensors, or the same names without the prefix), its architecture inferred from the tensor shapes
    /// (`ControlNetConfig(inferred:)`) unless `config` is given.
    ///
    /// The original `.pth` files (PyTorch pickles) are read by EaselCheckpoint's restricted pickle reader, which
    /// runs no code from the file.
    public init(singleFile url: URL, config: ControlNetConfig? = nil) throws {
        let inventory = try CheckpointInventory(contentsOf: url)
        guard inventory.source == .singleFile, let component = inventory.components.first else {
            throw CheckpointError.unsupportedFormat(
                path: url.path, reason: "not a single checkpoint file (load a diffusers ControlNet folder with init(contentsOf:))")
        }
        do {
            try self.init(singleFile: try LDMSingleFile(component), config: config)
        } catch WeightError.invalidConfiguration(let message) {
            throw WeightError.invalidConfiguration("\(url.lastPathComponent): \(message)")
        }
    }

    /// Builds the ControlNet of an already split single file: its converted weights, every one used, with
    /// `config` or the one inferred from the shapes. A file without a ControlNet, or with tensors no table
    /// converts, is an error naming them.
    public init(singleFile file: LDMSingleFile, config: ControlNetConfig? = nil) throws {
        guard let controlNet = file.controlNet else {
            throw WeightError.invalidConfiguration(
                "the file holds no ControlNet (no control_model.* tensors, nor an unprefixed input_hint_block)")
        }
        guard file.unknownTensorNames.isEmpty else {
            throw WeightError.unexpected(names: file.unknownTensorNames)
        }
        try self.init(config: config ?? ControlNetConfig(inferred: controlNet.shape), weights: controlNet.weights)
    }

}
