/// The architecture of an LDM-layout UNet (`model.diffusion_model.*`), read from its tensor shapes: what
/// diffusers' `create_unet_diffusers_config_from_ldm` takes from the original YAML config, for files that
/// come without one. Values are named as in diffusers' `UNet2DConditionModel` config, to be mapped onto the
/// UNet config type.
///
/// Not in the weights (conventions, documented per property): `attentionHeadDim`, and also
/// `norm_num_groups` (32 in every SD UNet), `sample_size` (64 for SD 1.x, 96 for SD 2.x 768-v) and
/// `upcast_attention` (true only for SD 2.x 768-v).
public struct InferredUNetShape: Sendable, Equatable {
    /// `in_channels`: 4, or 9 for inpainting UNets.
    public var inChannels: Int
    /// `out_channels`.
    public var outChannels: Int
    /// `block_out_channels` ([320, 640, 1280, 1280] for SD 1.x / 2.x).
    public var blockOutChannels: [Int]
    /// `layers_per_block` (resnets per down block; up blocks have one more).
    public var layersPerBlock: Int
    /// Per down block: `CrossAttnDownBlock2D` (true) or `DownBlock2D`.
    public var downBlockHasCrossAttention: [Bool]
    /// Per up block: `CrossAttnUpBlock2D` (true) or `UpBlock2D`.
    public var upBlockHasCrossAttention: [Bool]
    /// `cross_attention_dim`, from `attn2.to_k.weight` (768 for SD 1.x, 1024 for SD 2.x); nil without
    /// cross-attention.
    public var crossAttentionDim: Int?
    /// `transformer_layers_per_block` per down block (1 where the block has no attention).
    public var transformerLayersPerBlock: [Int]
    /// `use_linear_projection`: `proj_in` is a linear layer (SD 2.x) rather than a 1x1 convolution (SD 1.x).
    public var useLinearProjection: Bool
    /// `attention_head_dim` per down block (diffusers uses it as the number of heads). Not inferable: the
    /// SD convention (8 on every level for SD 1.x; channels / 64 with linear projections, as SD 2.x's
    /// `num_head_channels: 64`).
    public var attentionHeadDim: [Int]
    /// Width of the time embedding (`time_embed.0` outputs; 4 x block_out_channels[0]).
    public var timeEmbeddingDim: Int

    /// `down_block_types` as in the diffusers config.
    public var downBlockTypes: [String] { downBlockHasCrossAttention.map { $0 ? "CrossAttnDownBlock2D" : "DownBlock2D" } }
    /// `up_block_types` as in the diffusers config.
    public var upBlockTypes: [String] { upBlockHasCrossAttention.map { $0 ? "CrossAttnUpBlock2D" : "UpBlock2D" } }

    init(downPath: LDMDownPath, tensors: ComponentTensors) throws {
        inChannels = downPath.inChannels
        blockOutChannels = downPath.blockOutChannels
        layersPerBlock = downPath.layersPerBlock
        downBlockHasCrossAttention = downPath.hasCrossAttention
        crossAttentionDim = downPath.crossAttentionDim
        transformerLayersPerBlock = downPath.transformerLayersPerBlock
        useLinearProjection = downPath.useLinearProjection
        attentionHeadDim = downPath.conventionalAttentionHeadDim
        timeEmbeddingDim = downPath.timeEmbeddingDim
        outChannels = try tensors.extent("out.2.weight", 0)

        let levels = downPath.levels
        let perBlock = layersPerBlock + 1
        let outputBlocks = tensors.indices(under: "output_blocks.")
        guard outputBlocks == Array(0..<(levels * perBlock)) else {
            throw WeightError.invalidConfiguration(
                "output blocks \(outputBlocks) under '\(tensors.prefix)' do not match \(levels) levels of \(perBlock) blocks")
        }
        upBlockHasCrossAttention = (0..<levels).map { level in
            let block = level * perBlock
            return tensors.names.contains { $0.hasPrefix("output_blocks.\(block).1.") && !$0.hasPrefix("output_blocks.\(block).1.conv.") }
        }
    }

    /// The table from LDM names (prefix removed) to diffusers `UNet2DConditionModel` names: diffusers'
    /// `convert_ldm_unet_checkpoint` as rules. Up block `u` holds output blocks `u*(L+1) ..< (u+1)*(L+1)`;
    /// its upsampler sits in the last of them, after the attention if there is one (`.2.conv`) or after the
    /// resnet (`.1.conv`).
    func keyTable(downPath: LDMDownPath) -> KeyMappingTable {
        var rules = downPath.keyRules
        rules.append(.init("out.0.", "conv_norm_out.", .parameters))
        rules.append(.init("out.2.", "conv_out.", .parameters))
        let levels = blockOutChannels.count
        for level in 0..<levels {
            for layer in 0...layersPerBlock {
                let block = level * (layersPerBlock + 1) + layer
                rules.append(.init("output_blocks.\(block).0.", "up_blocks.\(level).resnets.\(layer).", .ldmResnet))
                if upBlockHasCrossAttention[level] {
                    rules.append(.init("output_blocks.\(block).1.", "up_blocks.\(level).attentions.\(layer).", .unchanged))
                }
            }
            if level < levels - 1 {
                let block = level * (layersPerBlock + 1) + layersPerBlock
                let slot = upBlockHasCrossAttention[level] ? 2 : 1
                rules.append(.init("output_blocks.\(block).\(slot).conv.", "up_blocks.\(level).upsamplers.0.conv.", .parameters))
            }
        }
        return KeyMappingTable(rules)
    }
}
