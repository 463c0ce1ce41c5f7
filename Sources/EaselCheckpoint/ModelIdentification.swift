/// Which known network a set of tensors looks like, judged from key names and shapes alone (see
/// `ModelIdentifier`), with the facts that decided it.
public struct ModelIdentification: Sendable, Equatable, CustomStringConvertible {
    public enum Architecture: String, Sendable {
        case unet = "UNet"
        case controlNet = "ControlNet"
        case vae = "VAE (AutoencoderKL)"
        case clipTextEncoder = "CLIP text encoder"
    }

    /// The Stable Diffusion generation a network belongs to.
    public enum Family: String, Sendable {
        case sd1 = "SD 1.x"
        case sd2 = "SD 2.x"
        case sdxl = "SDXL"
        case sdxlRefiner = "SDXL refiner"
    }

    /// How the tensors are named.
    public enum Layout: String, Sendable {
        /// diffusers `save_pretrained` names (`down_blocks.0.resnets.0...`).
        case diffusers
        /// The original CompVis / Stability (LDM) names of single-file checkpoints (`input_blocks.1.0...`).
        case ldm = "original LDM"
        /// Hugging Face transformers CLIP names (`encoder.layers.0...`).
        case transformers
        /// OpenCLIP names (`transformer.resblocks.0...`), as in SD 2.x and SDXL single files.
        case openCLIP = "OpenCLIP"
    }

    public var architecture: Architecture
    public var layout: Layout
    /// Nil when the shapes match no released Stable Diffusion model (e.g. tiny test models).
    public var family: Family?
    /// The prefix every key of this network starts with ("" when it is the whole file).
    public var keyPrefix: String
    public var tensorCount: Int
    /// Elements of the floating-point tensors (integer buffers such as `position_ids` are not parameters).
    public var parameterCount: Int

    /// UNet / ControlNet input channels: 4 for text-to-image, 9 for inpainting (latents, mask, masked image).
    public var inChannels: Int?
    /// ControlNet condition image channels (3 for RGB hint images).
    public var conditioningChannels: Int?
    /// Width of the text embeddings the cross-attention reads (768 SD 1.x, 1024 SD 2.x, 2048 SDXL).
    public var crossAttentionDim: Int?
    /// UNet / ControlNet `proj_in` is a Linear layer (SD 2.x, SDXL) rather than a 1x1 convolution (SD 1.x).
    public var usesLinearProjection: Bool?
    /// UNet / ControlNet has the SDXL size-and-crop conditioning (`add_embedding` / `label_emb`).
    public var hasAdditionalEmbedding: Bool?
    /// UNet / ControlNet model channels, VAE base channels, text encoder hidden size.
    public var width: Int?
    /// Text encoder transformer layers.
    public var layerCount: Int?
    /// VAE latent channels.
    public var latentChannels: Int?
    /// Text encoder has a `text_projection` (CLIPTextModelWithProjection, as SDXL's second encoder).
    public var hasTextProjection: Bool?

    public init(architecture: Architecture, layout: Layout, keyPrefix: String, tensorCount: Int, parameterCount: Int) {
        self.architecture = architecture
        self.layout = layout
        self.keyPrefix = keyPrefix
        self.tensorCount = tensorCount
        self.parameterCount = parameterCount
    }

    /// A UNet or ControlNet whose first convolution takes 9 channels.
    public var isInpainting: Bool { inChannels == 9 && (architecture == .unet || architecture == .controlNet) }

    /// One line, e.g. "SD 1.x UNet (diffusers layout): in_channels 4, model channels 320, cross-attention 768".
    public var description: String {
        var name = architecture.rawValue
        switch architecture {
        case .unet, .controlNet:
            if isInpainting { name = "inpainting " + name }
            if inChannels == 8 && architecture == .unet { name = "InstructPix2Pix " + name }
            if let family { name = family.rawValue + " " + name }
        case .clipTextEncoder:
            if let knownModel = Self.textEncoderModel(width: width) { name += " " + knownModel }
        case .vae:
            break
        }
        var where_ = "\(layout.rawValue) layout"
        if !keyPrefix.isEmpty { where_ += ", keys under \(keyPrefix)" }
        var facts: [String] = []
        if let conditioningChannels { facts.append("hint channels \(conditioningChannels)") }
        if let inChannels { facts.append("in_channels \(inChannels)") }
        if let latentChannels { facts.append("latent channels \(latentChannels)") }
        if let width { facts.append((architecture == .clipTextEncoder ? "width " : architecture == .vae ? "base channels " : "model channels ") + String(width)) }
        if let layerCount { facts.append("\(layerCount) layers") }
        if let crossAttentionDim { facts.append("cross-attention \(crossAttentionDim)") }
        if usesLinearProjection == true { facts.append("linear proj_in") }
        if hasAdditionalEmbedding == true { facts.append("size/crop conditioning") }
        if hasTextProjection == true { facts.append("text projection") }
        if family == nil && architecture != .vae { facts.append("not a released Stable Diffusion size") }
        return "\(name) (\(where_)): " + facts.joined(separator: ", ")
    }

    /// The published text encoder a CLIP width belongs to.
    private static func textEncoderModel(width: Int?) -> String? {
        switch width {
        case 768: "(CLIP ViT-L/14: SD 1.x, and SDXL's first encoder)"
        case 1024: "(OpenCLIP ViT-H/14: SD 2.x)"
        case 1280: "(OpenCLIP ViT-bigG/14: SDXL's second encoder)"
        default: nil
        }
    }
}
