/// The architecture of an LDM-layout autoencoder (`first_stage_model.*`), read from its tensor shapes,
/// named as in diffusers' `AutoencoderKL` config: what `create_vae_diffusers_config_from_ldm` takes from the
/// YAML's `ddconfig`. Not in the weights: `scalingFactor` (the LDM default) and `norm_num_groups` (32).
public struct InferredVAEShape: Sendable, Equatable {
    /// `in_channels` (3).
    public var inChannels: Int
    /// `out_channels` (3).
    public var outChannels: Int
    /// `latent_channels` (`z_channels`, 4).
    public var latentChannels: Int
    /// `block_out_channels` (`ch * ch_mult`: [128, 256, 512, 512] for SD).
    public var blockOutChannels: [Int]
    /// `layers_per_block` (`num_res_blocks`: resnets per encoder level; decoder levels have one more).
    public var layersPerBlock: Int
    /// `mid_block_add_attention`.
    public var midBlockHasAttention: Bool
    /// `scaling_factor`: not in the weights; diffusers' `LDM_VAE_DEFAULT_SCALING_FACTOR` (0.18215, SD 1.x/2.x).
    public var scalingFactor: Float = 0.18215

    init(_ tensors: ComponentTensors) throws {
        inChannels = try tensors.extent("encoder.conv_in.weight", 1)
        outChannels = try tensors.extent("decoder.conv_out.weight", 0)
        latentChannels = try tensors.extent("decoder.conv_in.weight", 1)
        let levels = tensors.indices(under: "encoder.down.")
        guard !levels.isEmpty, levels == Array(0..<levels.count), tensors.indices(under: "decoder.up.") == levels else {
            throw WeightError.invalidConfiguration("VAE levels under '\(tensors.prefix)encoder.down.' / 'decoder.up.' are not 0..<n in both")
        }
        let layers = tensors.indices(under: "encoder.down.0.block.")
        guard !layers.isEmpty, layers == Array(0..<layers.count) else {
            throw WeightError.invalidConfiguration("VAE blocks under '\(tensors.prefix)encoder.down.0.block.' are not 0..<n")
        }
        layersPerBlock = layers.count
        blockOutChannels = try levels.map { try tensors.extent("encoder.down.\($0).block.0.conv1.weight", 0) }
        midBlockHasAttention = tensors.hasModule("encoder.mid.attn_1.")
    }

    /// The table from LDM names (prefix removed) to diffusers `AutoencoderKL` names: diffusers'
    /// `convert_ldm_vae_checkpoint` as rules. Decoder levels are numbered the other way round
    /// (`decoder.up.(n-1-i)` -> `decoder.up_blocks.i`); the mid attention's `norm, q, k, v, proj_out` become
    /// `group_norm, to_q, to_k, to_v, to_out.0` (their 1x1 convolution weights [C, C, 1, 1] serve diffusers'
    /// linear layers, as `WeightLoader` accepts extents of 1).
    var keyTable: KeyMappingTable {
        let levels = blockOutChannels.count
        var rules: [KeyMappingTable.Rule] = [
            .init("quant_conv.", "quant_conv.", .parameters),
            .init("post_quant_conv.", "post_quant_conv.", .parameters),
        ]
        for part in ["encoder", "decoder"] {
            rules += [
                .init("\(part).conv_in.", "\(part).conv_in.", .parameters),
                .init("\(part).conv_out.", "\(part).conv_out.", .parameters),
                .init("\(part).norm_out.", "\(part).conv_norm_out.", .parameters),
                .init("\(part).mid.block_1.", "\(part).mid_block.resnets.0.", .ldmVAEResnet),
                .init("\(part).mid.block_2.", "\(part).mid_block.resnets.1.", .ldmVAEResnet),
                .init("\(part).mid.attn_1.", "\(part).mid_block.attentions.0.", .ldmVAEAttention),
            ]
        }
        for level in 0..<levels {
            for layer in 0..<layersPerBlock {
                rules.append(.init("encoder.down.\(level).block.\(layer).", "encoder.down_blocks.\(level).resnets.\(layer).", .ldmVAEResnet))
            }
            for layer in 0...layersPerBlock {
                rules.append(.init("decoder.up.\(levels - 1 - level).block.\(layer).", "decoder.up_blocks.\(level).resnets.\(layer).", .ldmVAEResnet))
            }
            if level < levels - 1 {
                rules.append(.init("encoder.down.\(level).downsample.conv.", "encoder.down_blocks.\(level).downsamplers.0.conv.", .parameters))
                rules.append(.init("decoder.up.\(levels - 1 - level).upsample.conv.", "decoder.up_blocks.\(level).upsamplers.0.conv.", .parameters))
            }
        }
        return KeyMappingTable(rules)
    }
}

extension KeyMappingTable.Remainder {
    /// Inside an LDM VAE `ResnetBlock` (diffusers' `update_vae_resnet_ldm_to_diffusers`).
    static let ldmVAEResnet = Self.renamed([
        .init("norm1.", "norm1."), .init("conv1.", "conv1."), .init("norm2.", "norm2."), .init("conv2.", "conv2."),
        .init("nin_shortcut.", "conv_shortcut."),
    ])

    /// Inside an LDM VAE `AttnBlock` (diffusers' `update_vae_attentions_ldm_to_diffusers`).
    static let ldmVAEAttention = Self.renamed([
        .init("norm.", "group_norm."), .init("q.", "to_q."), .init("k.", "to_k."), .init("v.", "to_v."),
        .init("proj_out.", "to_out.0."),
    ])
}
