import Foundation

/// The configuration of a denoising UNet, diffusers' `UNet2DConditionModel` config (`unet/config.json`).
///
/// Keys are spelled as there; a missing key takes the default of `UNet2DConditionModel.__init__` (diffusers
/// 0.42.1), which describes SD 1.x's UNet apart from `cross_attention_dim` (1280 there, 768 in SD 1.x).
/// The SD 1.x / 2.x architecture is what Easel builds; every other setting diffusers knows (SDXL's added
/// embeddings, class embeddings, only-cross-attention, scale-shift time norms...) is kept in
/// `unsupportedSettings` when it differs from its default, and `validate()` refuses it by name, so such a
/// checkpoint fails loudly instead of giving a wrong image.
public struct UNet2DConditionConfig: Codable, Sendable, Equatable {
    /// A setting diffusers takes as a number or as one number per level (down block).
    public enum IntOrList: Codable, Sendable, Equatable {
        case int(Int)
        case list([Int])

        /// `.int` when every level has the same value (how diffusers' configs write it), else `.list`.
        public init(collapsing values: [Int]) {
            self = Set(values).count == 1 ? .int(values[0]) : .list(values)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int.self) {
                self = .int(value)
            } else {
                self = .list(try container.decode([Int].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let value): try container.encode(value)
            case .list(let values): try container.encode(values)
            }
        }

        /// One value per level: an int repeated, or the list, which must have `count` entries.
        public func perLevel(_ count: Int, key: String) throws -> [Int] {
            switch self {
            case .int(let value):
                return Array(repeating: value, count: count)
            case .list(let values):
                guard values.count == count else {
                    throw WeightError.invalidConfiguration("\(key) has \(values.count) entries for \(count) down blocks")
                }
                return values
            }
        }
    }

    /// `sample_size`: the latent size the model was trained at (64 for SD 1.x, 96 for SD 2.x 768-v); a pipeline's
    /// default image size is 8 times it. An int or [height, width]; nil in some configs.
    public var sampleSize: IntOrList? = nil
    public var inChannels: Int = 4
    public var outChannels: Int = 4
    /// `center_input_sample`: the UNet first maps its input `x` to `2x - 1`.
    public var centerInputSample: Bool = false
    /// `flip_sin_to_cos`: the time projection is `[cos, sin]` (true) or `[sin, cos]`.
    public var flipSinToCos: Bool = true
    /// `freq_shift` (`downscale_freq_shift`): frequencies are `exp(-ln(10000) j / (half - freq_shift))`.
    public var freqShift: Int = 0
    public var downBlockTypes: [String] = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]
    public var midBlockType: String? = "UNetMidBlock2DCrossAttn"
    public var upBlockTypes: [String] = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
    public var blockOutChannels: [Int] = [320, 640, 1280, 1280]
    /// Resnets per down block (up blocks have one more).
    public var layersPerBlock: IntOrList = .int(2)
    public var downsamplePadding: Int = 1
    /// `mid_block_scale_factor` (`output_scale_factor` of the mid block's resnets); only 1 is supported.
    public var midBlockScaleFactor: Double = 1
    /// `act_fn`; only "silu" (every SD UNet) is supported.
    public var actFn: String = "silu"
    /// `norm_num_groups` of every GroupNorm (resnets, transformers, the output norm).
    public var normNumGroups: Int? = 32
    /// `norm_eps` of the resnets' and the output's GroupNorms (the transformers' GroupNorm uses 1e-6).
    public var normEps: Float = 1e-5
    /// Width of the text embeddings the cross-attention reads (768 for SD 1.x, 1024 for SD 2.x).
    public var crossAttentionDim: IntOrList = .int(1280)
    /// Transformer blocks in each down block's `Transformer2DModel` (up blocks take the list reversed, the mid
    /// block the last entry).
    public var transformerLayersPerBlock: IntOrList = .int(1)
    /// Despite its name, the number of attention heads per level when `num_attention_heads` is null (diffusers
    /// issue #2011): SD 1.x's 8 means 8 heads of `channels / 8`; SD 2.x lists `[5, 10, 20, 20]`.
    public var attentionHeadDim: IntOrList = .int(8)
    /// `num_attention_heads`; null in SD configs. Heads are `num_attention_heads ?? attention_head_dim`
    /// (diffusers' `UNet2DConditionModel` refuses a non-null value for now; its `ControlNetModel` takes it).
    public var numAttentionHeads: IntOrList? = nil
    /// `use_linear_projection`: `proj_in`/`proj_out` are linear layers (SD 2.x) instead of 1x1 convolutions.
    public var useLinearProjection: Bool = false
    /// `upcast_attention`: attention scores in float32 under fp16 (SD 2.x 768-v); no effect in float32.
    public var upcastAttention: Bool = false
    /// `resnet_time_scale_shift`; only "default" (the time embedding added, not a scale/shift) is supported.
    public var resnetTimeScaleShift: String = "default"
    /// `time_embedding_type`; only "positional" (sinusoids) is supported.
    public var timeEmbeddingType: String = "positional"
    /// `time_embedding_dim`: width of the time embedding; nil means `4 * block_out_channels[0]`.
    public var timeEmbeddingDim: Int? = nil
    public var convInKernel: Int = 3
    public var convOutKernel: Int = 3
    /// Settings the config holds with a value other than diffusers' default that Easel does not implement,
    /// as `key: value` (e.g. `addition_embed_type: "text_time"` for SDXL). Not encoded; `validate()` throws.
    public var unsupportedSettings: [String] = []

    public init() {}

    /// Reads `config.json`.
    public init(contentsOf url: URL) throws {
        self = try ConfigFile.decode(UNet2DConditionConfig.self, from: url)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sampleSize = "sample_size"
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case centerInputSample = "center_input_sample"
        case flipSinToCos = "flip_sin_to_cos"
        case freqShift = "freq_shift"
        case downBlockTypes = "down_block_types"
        case midBlockType = "mid_block_type"
        case upBlockTypes = "up_block_types"
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
        case timeEmbeddingType = "time_embedding_type"
        case timeEmbeddingDim = "time_embedding_dim"
        case convInKernel = "conv_in_kernel"
        case convOutKernel = "conv_out_kernel"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        /// A key whose JSON null means "not set" (the default is nil or, for mid_block_type, a real null).
        func optional<T: Decodable>(_ key: CodingKeys, _ fallback: T?) throws -> T? {
            guard c.contains(key) else { return fallback }
            return try c.decodeNil(forKey: key) ? nil : c.decode(T.self, forKey: key)
        }
        let defaults = UNet2DConditionConfig()
        sampleSize = try optional(.sampleSize, defaults.sampleSize)
        inChannels = try value(.inChannels, defaults.inChannels)
        outChannels = try value(.outChannels, defaults.outChannels)
        centerInputSample = try value(.centerInputSample, defaults.centerInputSample)
        flipSinToCos = try value(.flipSinToCos, defaults.flipSinToCos)
        freqShift = try value(.freqShift, defaults.freqShift)
        downBlockTypes = try value(.downBlockTypes, defaults.downBlockTypes)
        midBlockType = try optional(.midBlockType, defaults.midBlockType)
        upBlockTypes = try value(.upBlockTypes, defaults.upBlockTypes)
        blockOutChannels = try value(.blockOutChannels, defaults.blockOutChannels)
        layersPerBlock = try value(.layersPerBlock, defaults.layersPerBlock)
        downsamplePadding = try value(.downsamplePadding, defaults.downsamplePadding)
        midBlockScaleFactor = try value(.midBlockScaleFactor, defaults.midBlockScaleFactor)
        actFn = try value(.actFn, defaults.actFn)
        normNumGroups = try optional(.normNumGroups, defaults.normNumGroups)
        normEps = try value(.normEps, defaults.normEps)
        crossAttentionDim = try value(.crossAttentionDim, defaults.crossAttentionDim)
        transformerLayersPerBlock = try value(.transformerLayersPerBlock, defaults.transformerLayersPerBlock)
        attentionHeadDim = try value(.attentionHeadDim, defaults.attentionHeadDim)
        numAttentionHeads = try optional(.numAttentionHeads, defaults.numAttentionHeads)
        useLinearProjection = try value(.useLinearProjection, defaults.useLinearProjection)
        upcastAttention = try value(.upcastAttention, defaults.upcastAttention)
        resnetTimeScaleShift = try value(.resnetTimeScaleShift, defaults.resnetTimeScaleShift)
        timeEmbeddingType = try value(.timeEmbeddingType, defaults.timeEmbeddingType)
        timeEmbeddingDim = try optional(.timeEmbeddingDim, defaults.timeEmbeddingDim)
        convInKernel = try value(.convInKernel, defaults.convInKernel)
        convOutKernel = try value(.convOutKernel, defaults.convOutKernel)
        unsupportedSettings = try UnsupportedUNetSettings.find(in: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sampleSize, forKey: .sampleSize)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(centerInputSample, forKey: .centerInputSample)
        try c.encode(flipSinToCos, forKey: .flipSinToCos)
        try c.encode(freqShift, forKey: .freqShift)
        try c.encode(downBlockTypes, forKey: .downBlockTypes)
        try c.encode(midBlockType, forKey: .midBlockType)
        try c.encode(upBlockTypes, forKey: .upBlockTypes)
        try c.encode(blockOutChannels, forKey: .blockOutChannels)
        try c.encode(layersPerBlock, forKey: .layersPerBlock)
        try c.encode(downsamplePadding, forKey: .downsamplePadding)
        try c.encode(midBlockScaleFactor, forKey: .midBlockScaleFactor)
        try c.encode(actFn, forKey: .actFn)
        try c.encode(normNumGroups, forKey: .normNumGroups)
        try c.encode(normEps, forKey: .normEps)
        try c.encode(crossAttentionDim, forKey: .crossAttentionDim)
        try c.encode(transformerLayersPerBlock, forKey: .transformerLayersPerBlock)
        try c.encode(attentionHeadDim, forKey: .attentionHeadDim)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(useLinearProjection, forKey: .useLinearProjection)
        try c.encode(upcastAttention, forKey: .upcastAttention)
        try c.encode(resnetTimeScaleShift, forKey: .resnetTimeScaleShift)
        try c.encode(timeEmbeddingType, forKey: .timeEmbeddingType)
        try c.encode(timeEmbeddingDim, forKey: .timeEmbeddingDim)
        try c.encode(convInKernel, forKey: .convInKernel)
        try c.encode(convOutKernel, forKey: .convOutKernel)
    }
}
