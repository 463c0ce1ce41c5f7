/// The per-level values a UNet (or a ControlNet's copy of its encoder) is built from, resolved from a
/// `UNet2DConditionConfig` as `UNet2DConditionModel.__init__` resolves them: ints repeated over the levels,
/// heads from `num_attention_heads ?? attention_head_dim`, and for the up path the lists reversed.
struct UNetLevels: Sendable, Equatable {
    var blockOutChannels: [Int]
    /// Resnets per down block; up block `i` has `layersPerBlock.reversed()[i] + 1`.
    var layersPerBlock: [Int]
    var downHasCrossAttention: [Bool]
    var upHasCrossAttention: [Bool]
    /// Attention heads per down level; the up path takes them reversed, the mid block the last.
    var heads: [Int]
    var crossAttentionDim: [Int]
    /// Transformer blocks per down level; reversed for the up path, the last for the mid block.
    var transformerLayers: [Int]
    var groups: Int
    var timeEmbeddingDim: Int

    var count: Int { blockOutChannels.count }
}

extension UNet2DConditionConfig {
    static let crossAttentionDownBlock = "CrossAttnDownBlock2D"
    static let plainDownBlock = "DownBlock2D"
    static let crossAttentionUpBlock = "CrossAttnUpBlock2D"
    static let plainUpBlock = "UpBlock2D"
    static let crossAttentionMidBlock = "UNetMidBlock2DCrossAttn"

    /// Throws `WeightError.invalidConfiguration` naming the setting when the config asks for something Easel
    /// does not build (see `unsupportedSettings`) or sizes that do not fit together.
    public func validate() throws { _ = try levels() }

    /// The validated per-level values.
    /// - Parameter encoderOnly: check and resolve only what `UNetEncoder` builds (no `up_block_types`), for a
    ///   ControlNet's config decoded as a `UNet2DConditionConfig` (its encoder keys are the UNet's); the result's
    ///   `upHasCrossAttention` is then empty.
    func levels(encoderOnly: Bool = false) throws -> UNetLevels {
        func refuse(_ message: String) -> WeightError { .invalidConfiguration("UNet config: " + message) }
        if !unsupportedSettings.isEmpty {
            throw refuse("not supported: " + unsupportedSettings.joined(separator: ", "))
        }
        guard actFn == "silu" else { throw refuse("act_fn \"\(actFn)\" is not supported (only \"silu\")") }
        guard resnetTimeScaleShift == "default" else {
            throw refuse("resnet_time_scale_shift \"\(resnetTimeScaleShift)\" is not supported (only \"default\")")
        }
        guard timeEmbeddingType == "positional" else {
            throw refuse("time_embedding_type \"\(timeEmbeddingType)\" is not supported (only \"positional\")")
        }
        guard midBlockType == Self.crossAttentionMidBlock else {
            throw refuse("mid_block_type \(midBlockType.map { "\"\($0)\"" } ?? "null") is not supported (only \"\(Self.crossAttentionMidBlock)\")")
        }
        guard midBlockScaleFactor == 1 else {
            throw refuse("mid_block_scale_factor \(midBlockScaleFactor) is not supported (only 1)")
        }
        guard let groups = normNumGroups, groups > 0 else {
            throw refuse("norm_num_groups \(normNumGroups.map(String.init) ?? "null") is not supported (a positive number)")
        }
        let count = blockOutChannels.count
        guard count > 0, downBlockTypes.count == count, encoderOnly || upBlockTypes.count == count else {
            throw refuse("block_out_channels (\(count)), down_block_types (\(downBlockTypes.count)) and up_block_types (\(upBlockTypes.count)) must have one entry per level")
        }
        let down = try downBlockTypes.map { type -> Bool in
            switch type {
            case Self.crossAttentionDownBlock: return true
            case Self.plainDownBlock: return false
            default: throw refuse("down block type \"\(type)\" is not supported (\(Self.crossAttentionDownBlock) or \(Self.plainDownBlock))")
            }
        }
        let up = encoderOnly ? [] : try upBlockTypes.map { type -> Bool in
            switch type {
            case Self.crossAttentionUpBlock: return true
            case Self.plainUpBlock: return false
            default: throw refuse("up block type \"\(type)\" is not supported (\(Self.crossAttentionUpBlock) or \(Self.plainUpBlock))")
            }
        }
        let layers = try layersPerBlock.perLevel(count, key: "layers_per_block")
        let heads = try (numAttentionHeads ?? attentionHeadDim).perLevel(
            count, key: numAttentionHeads == nil ? "attention_head_dim" : "num_attention_heads")
        let context = try crossAttentionDim.perLevel(count, key: "cross_attention_dim")
        let transformers = try transformerLayersPerBlock.perLevel(count, key: "transformer_layers_per_block")
        let timeWidth = timeEmbeddingDim ?? 4 * blockOutChannels[0]

        for (name, value) in [("in_channels", inChannels), ("out_channels", outChannels), ("time embedding width", timeWidth)]
        where value <= 0 {
            throw refuse("\(name) is \(value), must be positive")
        }
        for (name, values) in [
            ("block_out_channels", blockOutChannels), ("layers_per_block", layers), ("heads", heads),
            ("cross_attention_dim", context), ("transformer_layers_per_block", transformers),
        ] where values.contains(where: { $0 <= 0 }) {
            throw refuse("\(name) \(values) must be positive")
        }
        for (name, kernel) in [("conv_in_kernel", convInKernel), ("conv_out_kernel", convOutKernel)] where kernel <= 0 || kernel % 2 == 0 {
            throw refuse("\(name) \(kernel) must be odd and positive")
        }
        guard downsamplePadding >= 0 else { throw refuse("downsample_padding \(downsamplePadding) is negative") }
        guard freqShift != blockOutChannels[0] / 2 else {
            throw refuse("freq_shift \(freqShift) equals half the time projection width (a division by zero)")
        }
        for (level, channels) in blockOutChannels.enumerated() where channels % groups != 0 {
            throw refuse("block_out_channels[\(level)] = \(channels) does not split into \(groups) groups")
        }
        // Attention runs in the cross-attention down/up blocks of a level and in the mid block (last level).
        for level in 0..<count where down[level] || (!encoderOnly && up[count - 1 - level]) || level == count - 1 {
            guard blockOutChannels[level] % heads[level] == 0 else {
                throw refuse("\(blockOutChannels[level]) channels at level \(level) do not split into \(heads[level]) attention heads")
            }
        }
        return UNetLevels(
            blockOutChannels: blockOutChannels, layersPerBlock: layers, downHasCrossAttention: down,
            upHasCrossAttention: up, heads: heads, crossAttentionDim: context, transformerLayers: transformers,
            groups: groups, timeEmbeddingDim: timeWidth)
    }
}
