/// An SD 1.x / 2.x single-file checkpoint in the original LDM layout (A1111 / CompVis `.safetensors`), or a
/// ControlNet v1.1 file, split into its components with diffusers/transformers tensor names: what
/// diffusers' `loaders/single_file_utils.py` converts (`convert_ldm_unet_checkpoint`,
/// `convert_ldm_vae_checkpoint`, `convert_ldm_clip_checkpoint`, `convert_controlnet_checkpoint`), done as
/// renaming tables over the file's tensors, so nothing is read or copied until a network loads its weights.
///
/// Prefixes: `model.diffusion_model.` (UNet), `first_stage_model.` (VAE), `cond_stage_model.transformer.`
/// (CLIP text encoder; SD 2.x's OpenCLIP one under `cond_stage_model.model.`), `control_model.` (ControlNet;
/// a file holding only `input_hint_block.`, `zero_convs.`, `time_embed.` etc. without a prefix is one too). Each component's architecture
/// is inferred from its tensor shapes (`Inferred*Shape`).
///
/// Everything else is either a known non-weight (`ignoredTensorNames`: the DDPM schedule buffers, EMA
/// copies, the VAE's training loss, CLIP's `position_ids`, OpenCLIP's last layer and projection) or reported in
/// `unknownTensorNames`; not converted (reported as unknown): SDXL's `conditioner.*` and class/label
/// embeddings (`label_emb.*`, upscaler UNets).
public struct LDMSingleFile: Sendable {
    /// A converted component: its weights under diffusers names, and its architecture.
    public struct Component<Shape: Sendable & Equatable>: Sendable {
        /// A `RenamedTensorStore`, or a `SlicedTensorStore` for the OpenCLIP text encoder.
        public let weights: any TensorStore
        public let shape: Shape
    }

    public static let unetPrefix = "model.diffusion_model."
    public static let vaePrefix = "first_stage_model."
    public static let textEncoderPrefix = "cond_stage_model.transformer."
    public static let openCLIPTextEncoderPrefix = LDMOpenCLIPConversion.prefix
    public static let controlNetPrefix = "control_model."

    public let unet: Component<InferredUNetShape>?
    public let vae: Component<InferredVAEShape>?
    /// Names with the `text_model.` level (`text_model.encoder.layers.0.mlp.fc1.weight`), from SD 1.x's CLIP
    /// ViT-L or SD 2.x's OpenCLIP ViT-H.
    public let textEncoder: Component<InferredCLIPTextShape>?
    public let controlNet: Component<InferredControlNetShape>?
    /// Tensors that carry no network weights (see `isIgnored`), in the file's names.
    public let ignoredTensorNames: [String]
    /// Tensors no table converts, in the file's names: an unsupported model, or a damaged file.
    public let unknownTensorNames: [String]

    /// Splits and renames `store`'s tensors (a `CheckpointComponent` of a single `.safetensors` file).
    /// Throws `WeightError` naming the tensor when a component is present but its shapes do not form an
    /// SD network (a missing `conv_in`, misnumbered blocks) or two names would convert to the same one.
    public init(_ store: any TensorStore) throws {
        let names = store.tensorNames.sorted()
        var ignored: [String] = []
        var unknown: [String] = []
        var claimed: Set<String> = []

        func claim(_ prefix: String) -> ComponentTensors? {
            let tensors = ComponentTensors(base: store, prefix: prefix, names: names)
            guard !tensors.names.isEmpty else { return nil }
            claimed.formUnion(tensors.names.map { prefix + $0 })
            return tensors
        }

        if let tensors = claim(Self.unetPrefix) {
            let downPath = try LDMDownPath(tensors)
            let shape = try InferredUNetShape(downPath: downPath, tensors: tensors)
            let (weights, left) = try shape.keyTable(downPath: downPath).renamedStore(base: store, prefix: Self.unetPrefix, names: names)
            unet = Component(weights: weights, shape: shape)
            unknown += left
        } else {
            unet = nil
        }

        if let tensors = claim(Self.vaePrefix) {
            let trainingLoss = names.filter { $0.hasPrefix(Self.vaePrefix + "loss.") }
            ignored += trainingLoss
            let shape = try InferredVAEShape(tensors)
            let (weights, left) = try shape.keyTable.renamedStore(base: store, prefix: Self.vaePrefix, names: names)
            vae = Component(weights: weights, shape: shape)
            unknown += left.filter { !trainingLoss.contains($0) }
        } else {
            vae = nil
        }

        if let tensors = claim(Self.textEncoderPrefix) {
            let buffers = tensors.names.filter(LDMCLIPKeyTable.isBuffer).map { Self.textEncoderPrefix + $0 }
            ignored += buffers
            let weightNames = names.filter { !buffers.contains($0) }
            let (weights, left) = try LDMCLIPKeyTable.table.renamedStore(base: store, prefix: Self.textEncoderPrefix, names: weightNames)
            textEncoder = Component(weights: weights, shape: try InferredCLIPTextShape(weights, hiddenAct: "quick_gelu"))
            unknown += left
        } else if claim(Self.openCLIPTextEncoderPrefix) != nil {
            let (weights, skipped, left) = try LDMOpenCLIPConversion.convert(base: store, names: names)
            textEncoder = Component(weights: weights, shape: try InferredCLIPTextShape(weights, hiddenAct: "gelu"))
            ignored += skipped
            unknown += left
        } else {
            textEncoder = nil
        }

        // A ControlNet with the v1.1 prefix, or a file that is nothing but an unprefixed ControlNet.
        let controlNetPrefix = names.contains { $0.hasPrefix(Self.controlNetPrefix) } ? Self.controlNetPrefix
            : claimed.isEmpty && names.contains("input_hint_block.0.weight") ? "" : nil
        if let prefix = controlNetPrefix, let tensors = claim(prefix) {
            let downPath = try LDMDownPath(tensors)
            let shape = try InferredControlNetShape(downPath: downPath, tensors: tensors)
            let (weights, left) = try shape.keyTable(downPath: downPath).renamedStore(base: store, prefix: prefix, names: names)
            controlNet = Component(weights: weights, shape: shape)
            unknown += left
        } else {
            controlNet = nil
        }

        for name in names where !claimed.contains(name) {
            if Self.isIgnored(name) { ignored.append(name) } else { unknown.append(name) }
        }
        ignoredTensorNames = ignored.sorted()
        unknownTensorNames = unknown.sorted()
    }

    /// Top-level entries of LDM checkpoints that are not weights of the networks: the DDPM noise-schedule
    /// buffers (`betas`, `alphas_cumprod`, ...; the scheduler config carries the same schedule), the EMA copy
    /// of the UNet (`model_ema.*`; diffusers takes the non-EMA weights by default, as here) and the learned
    /// `logvar`. diffusers' converters skip all of them by taking only the component prefixes.
    public static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix("model_ema.") || scheduleBuffers.contains(name)
    }

    private static let scheduleBuffers: Set<String> = [
        "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
        "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
        "posterior_variance", "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
        "logvar", "lvlb_weights",
    ]
}
