import EaselCheckpoint
import EaselDiffusion
import Foundation

/// One Stable Diffusion 1.x / 2.x checkpoint, loaded: the components of diffusers' `StableDiffusionPipeline`
/// (tokenizer, CLIP text encoder, UNet, VAE and the scheduler's configuration).
///
/// Read from a diffusers pipeline folder (`model_index.json` with `tokenizer/ text_encoder/ unet/ vae/ scheduler/`,
/// each network built from its `config.json`), or from a single LDM-layout checkpoint as A1111 users have them
/// (`.safetensors`, or a PyTorch `.ckpt`/`.pth` read by the restricted pickle reader), whose networks are built from their tensor shapes (`LDMSingleFile`), with CLIP's vocabulary shipped in
/// Easel and the SD 1.x scheduler configuration.
public struct StableDiffusionModel: Sendable {
    public var tokenizer: CLIPTokenizer
    public var textEncoder: CLIPTextModel
    public var unet: UNet2DConditionModel
    public var vae: AutoencoderKL
    public var schedulerConfig: SchedulerConfig
    /// What the PNG parameters call the model: the file name without its extension, or the folder's name.
    public var name: String

    public init(
        tokenizer: CLIPTokenizer, textEncoder: CLIPTextModel, unet: UNet2DConditionModel, vae: AutoencoderKL,
        schedulerConfig: SchedulerConfig, name: String
    ) {
        self.tokenizer = tokenizer
        self.textEncoder = textEncoder
        self.unet = unet
        self.vae = vae
        self.schedulerConfig = schedulerConfig
        self.name = name
    }

    /// Loads the model at `url`: a diffusers pipeline folder or a single checkpoint (`.safetensors`, `.ckpt`).
    /// - Parameters:
    ///   - variant: the diffusers weight variant to read from a folder (e.g. "fp16"); nil reads the default
    ///     files, or the only variant present.
    ///   - configuration: for a single file, a diffusers pipeline folder whose configs, tokenizer and scheduler
    ///     to use instead of those inferred from the tensor shapes (diffusers' `from_single_file(config=...)`).
    public init(contentsOf url: URL, variant: String? = nil, configuration: URL? = nil) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw CheckpointError.unreadable(path: url.path, reason: "no such file or folder")
        }
        if isFolder.boolValue {
            try self.init(pipelineFolder: url, variant: variant)
        } else {
            try self.init(singleFile: url, configuration: configuration)
        }
    }

    /// A diffusers `StableDiffusionPipeline` folder.
    init(pipelineFolder url: URL, variant: String?) throws {
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path) else {
            throw CheckpointError.invalidModelFolder(
                path: url.path,
                reason: "a Stable Diffusion folder needs a model_index.json with tokenizer/, text_encoder/, unet/, vae/ and scheduler/")
        }
        self.init(
            tokenizer: try CLIPTokenizer(contentsOf: url.appendingPathComponent("tokenizer")),
            textEncoder: try CLIPTextModel(contentsOf: url, variant: variant),
            unet: try UNet2DConditionModel(contentsOf: url, variant: variant),
            vae: try AutoencoderKL(contentsOf: url, variant: variant),
            schedulerConfig: try SchedulerConfig(
                contentsOf: url.appendingPathComponent("scheduler").appendingPathComponent("scheduler_config.json")),
            name: url.lastPathComponent)
    }

    /// A single LDM-layout checkpoint (A1111 / CompVis `.safetensors`) holding UNet, VAE and text encoder.
    init(singleFile url: URL, configuration folder: URL?) throws {
        let inventory = try CheckpointInventory(contentsOf: url)
        guard let file = inventory.components.first else {
            throw CheckpointError.invalidModelFolder(path: url.path, reason: "it holds no tensors")
        }
        let converted = try LDMSingleFile(file)
        guard let unet = converted.unet, let vae = converted.vae, let text = converted.textEncoder else {
            let missing = [
                converted.unet == nil ? "UNet (model.diffusion_model.*)" : nil,
                converted.vae == nil ? "VAE (first_stage_model.*)" : nil,
                converted.textEncoder == nil ? "text encoder (cond_stage_model.*)" : nil,
            ].compactMap { $0 }
            throw CheckpointError.invalidModelFolder(
                path: url.path,
                reason: "not a full Stable Diffusion checkpoint: it has no \(missing.joined(separator: ", "))")
        }
        if !converted.unknownTensorNames.isEmpty {
            throw WeightError.unexpected(names: converted.unknownTensorNames)
        }
        let name = url.deletingPathExtension().lastPathComponent
        if let folder {
            func config<T: Decodable>(_ type: T.Type, _ component: String, _ file: String = "config.json") throws -> T {
                try ConfigFile.decode(type, from: folder.appendingPathComponent(component).appendingPathComponent(file))
            }
            self.init(
                tokenizer: try CLIPTokenizer(contentsOf: folder.appendingPathComponent("tokenizer")),
                textEncoder: try CLIPTextModel(config: config(CLIPTextConfig.self, "text_encoder"), weights: text.weights),
                unet: try UNet2DConditionModel(config: config(UNet2DConditionConfig.self, "unet"), weights: unet.weights),
                vae: try AutoencoderKL(config: config(AutoencoderKLConfig.self, "vae"), weights: vae.weights),
                schedulerConfig: try config(SchedulerConfig.self, "scheduler", "scheduler_config.json"),
                name: name)
        } else {
            self.init(
                tokenizer: try CLIPTokenizer.bundled(),
                textEncoder: try CLIPTextModel(
                    config: CLIPTextConfig(inferringFrom: text.weights, hiddenAct: text.shape.hiddenAct), weights: text.weights),
                unet: try UNet2DConditionModel(config: UNet2DConditionConfig(inferred: unet.shape), weights: unet.weights),
                vae: try AutoencoderKL(config: AutoencoderKLConfig(inferred: vae.shape), weights: vae.weights),
                schedulerConfig: .stableDiffusion15,
                name: name)
        }
    }

    /// The size of the images the UNet was trained for (`sample_size` x the VAE's downscale factor: 512 for
    /// SD 1.x), diffusers' default width and height. A `[height, width]` sample size gives a non-square default.
    public var defaultImageSize: (width: Int, height: Int) {
        let factor = vae.downscaleFactor
        switch unet.config.sampleSize {
        case .int(let side)?: return (side * factor, side * factor)
        case .list(let sides)? where sides.count == 2: return (sides[1] * factor, sides[0] * factor)
        default: return (64 * factor, 64 * factor)
        }
    }
}
