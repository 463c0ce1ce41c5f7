import Foundation

/// The configuration of a ControlNet, diffusers' `ControlNetModel` config (`controlnet/config.json`).
///
/// A ControlNet is a copy of a UNet's encoder half, so its encoder keys (`block_out_channels`, `down_block_types`,
/// `attention_head_dim`, ...) are spelled and defaulted as the UNet's (`ControlNetModel.__init__` and
/// `UNet2DConditionModel.__init__` agree on them in diffusers 0.42.1) and are kept in `encoder`, which
/// `UNetEncoder` builds from. The ControlNet's own keys are the conditioning embedding's
/// (`conditioning_channels`, `conditioning_embedding_out_channels`), `controlnet_conditioning_channel_order`
/// and `global_pool_conditions`.
///
/// UNet keys `ControlNetModel` does not have (`conv_in_kernel`, `time_embedding_dim`, `center_input_sample`, ...)
/// are ignored when decoding, as diffusers ignores unknown config keys: a ControlNet's `conv_in` is always 3x3 and its
/// time embedding `4 * block_out_channels[0]` wide.
public struct ControlNetConfig: Codable, Sendable, Equatable {
    /// The copied encoder's settings (only the keys listed in `CodingKeys` are read; `up_block_types`,
    /// `out_channels` and the other decoder settings are unused).
    public var encoder: UNet2DConditionConfig
    /// `conditioning_channels`: channels of the condition image (3).
    public var conditioningChannels: Int = 3
    /// `conditioning_embedding_out_channels`: widths of `ControlNetConditioningEmbedding`'s levels; each step
    /// between two widths halves the size, so the condition image is `2^(count - 1)` times the latents (8 for the
    /// default (16, 32, 96, 256)).
    public var conditioningEmbeddingOutChannels: [Int] = [16, 32, 96, 256]
    /// `controlnet_conditioning_channel_order`: "rgb" (every published ControlNet); diffusers flips "bgr"
    /// condition images, which Easel refuses rather than guess the caller's order.
    public var conditioningChannelOrder: String = "rgb"
    /// `global_pool_conditions`: the residuals are averaged over height and width (the v1.1 shuffle model).
    public var globalPoolConditions: Bool = false

    /// diffusers' `ControlNetModel()` defaults (an SD 1.x-sized ControlNet with `cross_attention_dim` 1280).
    public init() {
        encoder = UNet2DConditionConfig()
    }

    /// Reads `config.json`.
    public init(contentsOf url: URL) throws {
        self = try ConfigFile.decode(ControlNetConfig.self, from: url)
    }

    /// The keys of `ControlNetModel.__init__` that Easel reads (the others it has, such as
    /// `addition_embed_type_num_heads`, only matter for settings that `validate()` refuses).
    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels"
        case flipSinToCos = "flip_sin_to_cos"
        case freqShift = "freq_shift"
        case downBlockTypes = "down_block_types"
        case midBlockType = "mid_block_type"
        case blockOutChannels = "block_out_channels"
        case layersPerBlock = "layers_per_block"
        case downsamplePadding = "downsample_padding"
        case midBlockScaleFactor = "mid_block_scale_factor"
        case actFn = "act_fn"
        case normNumGroups = "norm_num_groups"
        case normEps = "norm_eps"
        case crossAttentionDim = "cross_attention_dim"
        case transformerLayersPerBlock = "transformer_layers_per_block"
        case attentionHeadDim = "attention_head_dim"
        case numAttentionHeads = "num_attention_heads"
        case useLinearProjection = "use_linear_projection"
        case upcastAttention = "upcast_attention"
        case resnetTimeScaleShift = "resnet_time_scale_shift"
        case conditioningChannels = "conditioning_channels"
        case conditioningEmbeddingOutChannels = "conditioning_embedding_out_channels"
        case conditioningChannelOrder = "controlnet_conditioning_channel_order"
        case globalPoolConditions = "global_pool_conditions"
    }

    /// `ControlNetModel.__init__` settings that `UnsupportedUNetSettings` checks; its other keys are UNet-only
    /// and diffusers ignores them in a ControlNet's config.
    static let checkedUnsupportedKeys: Set<String> = [
        "only_cross_attention", "encoder_hid_dim", "encoder_hid_dim_type", "class_embed_type", "num_class_embeds",
        "addition_embed_type", "addition_time_embed_dim", "projection_class_embeddings_input_dim",
    ]

    public init(from decoder: any Decoder) throws {
        // The encoder keys are the UNet's, so the UNet config decodes them (with its defaults and its list of
        // unsupported settings); then what ControlNetModel does not read goes back to the UNet defaults.
        var encoder = try UNet2DConditionConfig(from: decoder)
        let unetDefaults = UNet2DConditionConfig()
        encoder.sampleSize = unetDefaults.sampleSize
        encoder.outChannels = unetDefaults.outChannels
        encoder.centerInputSample = unetDefaults.centerInputSample
        encoder.upBlockTypes = unetDefaults.upBlockTypes
        encoder.timeEmbeddingType = unetDefaults.timeEmbeddingType
        encoder.timeEmbeddingDim = unetDefaults.timeEmbeddingDim
        encoder.convInKernel = unetDefaults.convInKernel
        encoder.convOutKernel = unetDefaults.convOutKernel
        encoder.unsupportedSettings = encoder.unsupportedSettings.filter { setting in
            Self.checkedUnsupportedKeys.contains { setting.hasPrefix($0 + ":") }
        }
        self.encoder = encoder

        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ControlNetConfig()
        conditioningChannels = try c.decodeIfPresent(Int.self, forKey: .conditioningChannels) ?? defaults.conditioningChannels
        if c.contains(.conditioningEmbeddingOutChannels), try c.decodeNil(forKey: .conditioningEmbeddingOutChannels) {
            // diffusers would fail building the embedding from None.
            throw WeightError.invalidConfiguration("ControlNet config: conditioning_embedding_out_channels is null")
        }
        conditioningEmbeddingOutChannels = try c.decodeIfPresent([Int].self, forKey: .conditioningEmbeddingOutChannels)
            ?? defaults.conditioningEmbeddingOutChannels
        conditioningChannelOrder = try c.decodeIfPresent(String.self, forKey: .conditioningChannelOrder)
            ?? defaults.conditioningChannelOrder
        globalPoolConditions = try c.decodeIfPresent(Bool.self, forKey: .globalPoolConditions) ?? defaults.globalPoolConditions
    }

    /// Writes the keys of diffusers' ControlNet config (not the UNet-only ones `encoder` also holds).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let e = self.encoder
        try c.encode(e.inChannels, forKey: .inChannels)
        try c.encode(e.flipSinToCos, forKey: .flipSinToCos)
        try c.encode(e.freqShift, forKey: .freqShift)
        try c.encode(e.downBlockTypes, forKey: .downBlockTypes)
        try c.encode(e.midBlockType, forKey: .midBlockType)
        try c.encode(e.blockOutChannels, forKey: .blockOutChannels)
        try c.encode(e.layersPerBlock, forKey: .layersPerBlock)
        try c.encode(e.downsamplePadding, forKey: .downsamplePadding)
        try c.encode(e.midBlockScaleFactor, forKey: .midBlockScaleFactor)
        try c.encode(e.actFn, forKey: .actFn)
        try c.encode(e.normNumGroups, forKey: .normNumGroups)
        try c.encode(e.normEps, forKey: .normEps)
        try c.encode(e.crossAttentionDim, forKey: .crossAttentionDim)
        try c.encode(e.transformerLayersPerBlock, forKey: .transformerLayersPerBlock)
        try c.encode(e.attentionHeadDim, forKey: .attentionHeadDim)
        try c.encode(e.numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(e.useLinearProjection, forKey: .useLinearProjection)
        try c.encode(e.upcastAttention, forKey: .upcastAttention)
        try c.encode(e.resnetTimeScaleShift, forKey: .resnetTimeScaleShift)
        try c.encode(conditioningChannels, forKey: .conditioningChannels)
        try c.encode(conditioningEmbeddingOutChannels, forKey: .conditioningEmbeddingOutChannels)
        try c.encode(conditioningChannelOrder, forKey: .conditioningChannelOrder)
        try c.encode(globalPoolConditions, forKey: .globalPoolConditions)
    }
}
