import Foundation

/// The configuration of a KL autoencoder, diffusers' `AutoencoderKL` config, decoded from a `vae/config.json`.
/// Keys are spelled as there; a missing key takes the default of `AutoencoderKL.__init__` (diffusers 0.42.1),
/// which describes a one-level toy model, not SD's VAE: SD folders always spell the sizes out.
///
/// `validate()` rejects what Easel does not build (other block types or activations); `force_upcast` is kept
/// for completeness but has no effect, as Easel computes in float32 throughout.
public struct AutoencoderKLConfig: Codable, Sendable, Equatable {
    public var inChannels: Int = 3
    public var outChannels: Int = 3
    public var downBlockTypes: [String] = ["DownEncoderBlock2D"]
    public var upBlockTypes: [String] = ["UpDecoderBlock2D"]
    /// Channels of each level, shallowest first (SD: [128, 256, 512, 512]).
    public var blockOutChannels: [Int] = [64]
    /// Resnets per encoder level; decoder levels have one more.
    public var layersPerBlock: Int = 1
    /// "silu" (or its alias "swish"); the only activation diffusers' SD VAEs use.
    public var actFn: String = "silu"
    public var latentChannels: Int = 4
    public var normNumGroups: Int = 32
    /// The image size the VAE was trained at; sets the tile size of `VAETiling` (diffusers'
    /// `tile_sample_min_size`). A JSON list takes its first entry, as diffusers does for the latent tile.
    public var sampleSize: Int = 32
    /// Latents are `scaling_factor * z` in the diffusion model's space (SD 1.x/2.x: 0.18215); the caller
    /// applies it, as diffusers' pipelines do.
    public var scalingFactor: Float = 0.18215
    /// Subtracted before scaling by some VAEs (SD3, Flux); null for SD.
    public var shiftFactor: Float? = nil
    /// Per-channel latent statistics some VAEs carry (Playground); pipelines, not the VAE, use them.
    public var latentsMean: [Float]? = nil
    public var latentsStd: [Float]? = nil
    /// Whether diffusers runs this VAE in float32 under a half-precision pipeline; no effect in Easel.
    public var forceUpcast: Bool = true
    public var useQuantConv: Bool = true
    public var usePostQuantConv: Bool = true
    public var midBlockAddAttention: Bool = true

    public init() {}

    /// The configuration of an LDM single file's VAE, as diffusers' `create_vae_diffusers_config_from_ldm`
    /// builds it: the sizes from the weights, SD's block types, and what the weights cannot tell taken from
    /// diffusers' defaults: `norm_num_groups` 32, `scaling_factor` 0.18215 (SD 1.x/2.x) and `sample_size` 512
    /// (diffusers' SD 1.x image size; only the tile size of `VAETiling` depends on it).
    public init(inferred shape: InferredVAEShape) {
        inChannels = shape.inChannels
        outChannels = shape.outChannels
        latentChannels = shape.latentChannels
        blockOutChannels = shape.blockOutChannels
        layersPerBlock = shape.layersPerBlock
        midBlockAddAttention = shape.midBlockHasAttention
        downBlockTypes = Array(repeating: Self.downEncoderBlock, count: shape.blockOutChannels.count)
        upBlockTypes = Array(repeating: Self.upDecoderBlock, count: shape.blockOutChannels.count)
        scalingFactor = shape.scalingFactor
        sampleSize = 512
    }

    /// Reads `config.json`.
    public init(contentsOf url: URL) throws {
        self = try ConfigFile.decode(AutoencoderKLConfig.self, from: url)
    }

    static let downEncoderBlock = "DownEncoderBlock2D"
    static let upDecoderBlock = "UpDecoderBlock2D"

    /// Number of resolution levels.
    public var levels: Int { blockOutChannels.count }

    /// How many image pixels one latent pixel spans along each side: `2^(levels - 1)` (SD: 8).
    public var downscaleFactor: Int { 1 << max(levels - 1, 0) }

    /// Throws `WeightError.invalidConfiguration` for a configuration Easel cannot build.
    public func validate() throws {
        guard !blockOutChannels.isEmpty else {
            throw WeightError.invalidConfiguration("block_out_channels is empty")
        }
        for (name, value) in [
            ("in_channels", inChannels), ("out_channels", outChannels), ("latent_channels", latentChannels),
            ("layers_per_block", layersPerBlock), ("norm_num_groups", normNumGroups), ("sample_size", sampleSize),
        ] where value <= 0 {
            throw WeightError.invalidConfiguration("\(name) is \(value), must be positive")
        }
        if let bad = blockOutChannels.first(where: { $0 <= 0 || $0 % normNumGroups != 0 }) {
            throw WeightError.invalidConfiguration(
                "block_out_channels \(blockOutChannels): \(bad) is not a positive multiple of norm_num_groups \(normNumGroups)")
        }
        guard downBlockTypes.count == levels, downBlockTypes.allSatisfy({ $0 == Self.downEncoderBlock }) else {
            throw WeightError.invalidConfiguration(
                "down_block_types \(downBlockTypes) is not supported: expected \(levels) x \(Self.downEncoderBlock)")
        }
        guard upBlockTypes.count == levels, upBlockTypes.allSatisfy({ $0 == Self.upDecoderBlock }) else {
            throw WeightError.invalidConfiguration(
                "up_block_types \(upBlockTypes) is not supported: expected \(levels) x \(Self.upDecoderBlock)")
        }
        guard actFn == "silu" || actFn == "swish" else {
            throw WeightError.invalidConfiguration("act_fn '\(actFn)' is not supported (expected silu)")
        }
        guard scalingFactor.isFinite, scalingFactor != 0 else {
            throw WeightError.invalidConfiguration("scaling_factor is \(scalingFactor)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels"
        case layersPerBlock = "layers_per_block"
        case actFn = "act_fn"
        case latentChannels = "latent_channels"
        case normNumGroups = "norm_num_groups"
        case sampleSize = "sample_size"
        case scalingFactor = "scaling_factor"
        case shiftFactor = "shift_factor"
        case latentsMean = "latents_mean"
        case latentsStd = "latents_std"
        case forceUpcast = "force_upcast"
        case useQuantConv = "use_quant_conv"
        case usePostQuantConv = "use_post_quant_conv"
        case midBlockAddAttention = "mid_block_add_attention"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AutoencoderKLConfig()
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? d.inChannels
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? d.outChannels
        downBlockTypes = try c.decodeIfPresent([String].self, forKey: .downBlockTypes) ?? d.downBlockTypes
        upBlockTypes = try c.decodeIfPresent([String].self, forKey: .upBlockTypes) ?? d.upBlockTypes
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? d.blockOutChannels
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? d.layersPerBlock
        actFn = try c.decodeIfPresent(String.self, forKey: .actFn) ?? d.actFn
        latentChannels = try c.decodeIfPresent(Int.self, forKey: .latentChannels) ?? d.latentChannels
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? d.normNumGroups
        // An int, or a [height, width] list whose first entry diffusers uses.
        switch try c.decodeIfPresent(UNet2DConditionConfig.IntOrList.self, forKey: .sampleSize) {
        case nil: sampleSize = d.sampleSize
        case .int(let size)?: sampleSize = size
        case .list(let sizes)?:
            guard let first = sizes.first else { throw WeightError.invalidConfiguration("sample_size is an empty list") }
            sampleSize = first
        }
        scalingFactor = try c.decodeIfPresent(Float.self, forKey: .scalingFactor) ?? d.scalingFactor
        shiftFactor = try c.decodeIfPresent(Float.self, forKey: .shiftFactor)
        latentsMean = try c.decodeIfPresent([Float].self, forKey: .latentsMean)
        latentsStd = try c.decodeIfPresent([Float].self, forKey: .latentsStd)
        forceUpcast = try c.decodeIfPresent(Bool.self, forKey: .forceUpcast) ?? d.forceUpcast
        useQuantConv = try c.decodeIfPresent(Bool.self, forKey: .useQuantConv) ?? d.useQuantConv
        usePostQuantConv = try c.decodeIfPresent(Bool.self, forKey: .usePostQuantConv) ?? d.usePostQuantConv
        midBlockAddAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? d.midBlockAddAttention
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(downBlockTypes, forKey: .downBlockTypes)
        try c.encode(upBlockTypes, forKey: .upBlockTypes)
        try c.encode(blockOutChannels, forKey: .blockOutChannels)
        try c.encode(layersPerBlock, forKey: .layersPerBlock)
        try c.encode(actFn, forKey: .actFn)
        try c.encode(latentChannels, forKey: .latentChannels)
        try c.encode(normNumGroups, forKey: .normNumGroups)
        try c.encode(sampleSize, forKey: .sampleSize)
        try c.encode(scalingFactor, forKey: .scalingFactor)
        // null rather than absent, as diffusers writes them.
        try c.encode(shiftFactor, forKey: .shiftFactor)
        try c.encode(latentsMean, forKey: .latentsMean)
        try c.encode(latentsStd, forKey: .latentsStd)
        try c.encode(forceUpcast, forKey: .forceUpcast)
        try c.encode(useQuantConv, forKey: .useQuantConv)
        try c.encode(usePostQuantConv, forKey: .usePostQuantConv)
        try c.encode(midBlockAddAttention, forKey: .midBlockAddAttention)
    }
}
