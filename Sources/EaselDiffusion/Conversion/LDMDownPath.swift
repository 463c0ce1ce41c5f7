/// The encoder half of an LDM `UNetModel` (shared by the UNet and ControlNet v1.1), read from tensor
/// shapes: `input_blocks.0.0` is `conv_in`; then per level `layersPerBlock` blocks of a resnet (`.0`) and
/// maybe a spatial transformer (`.1`), and, except on the last level, a block holding the downsampler
/// (`.0.op`). This is the layout diffusers' `convert_ldm_unet_checkpoint` walks with
/// `block_id = (i - 1) // (layers_per_block + 1)`.
struct LDMDownPath: Equatable {
    var inChannels: Int
    var blockOutChannels: [Int]
    var layersPerBlock: Int
    var hasCrossAttention: [Bool]
    var crossAttentionDim: Int?
    var transformerLayersPerBlock: [Int]
    var useLinearProjection: Bool
    var timeEmbeddingDim: Int

    var levels: Int { blockOutChannels.count }

    /// The input block of level `level`, layer `layer` (layer == layersPerBlock: the downsampler block).
    func inputBlock(level: Int, layer: Int) -> Int { 1 + level * (layersPerBlock + 1) + layer }

    init(_ tensors: ComponentTensors) throws {
        let convIn = try tensors.shape("input_blocks.0.0.weight")
        guard convIn.count == 4 else {
            throw WeightError.invalidConfiguration("tensor '\(tensors.prefix)input_blocks.0.0.weight' has shape \(convIn), expected a 4-D convolution")
        }
        inChannels = convIn[1]
        timeEmbeddingDim = try tensors.extent("time_embed.0.weight", 0)

        let blocks = tensors.indices(under: "input_blocks.")
        guard blocks == Array(0..<blocks.count), blocks.count >= 2 else {
            throw WeightError.invalidConfiguration("input blocks \(blocks) under '\(tensors.prefix)' are not numbered 0..<n")
        }
        let downsamplers = blocks.filter { tensors.contains("input_blocks.\($0).0.op.weight") }
        let levels = downsamplers.count + 1
        // n blocks = 1 (conv_in) + levels * layersPerBlock + (levels - 1) downsamplers
        let layers = (blocks.count - levels) / levels
        let expectedDownsamplers = (0..<(levels - 1)).map { 1 + $0 * (layers + 1) + layers }
        guard layers >= 1, (blocks.count - levels) % levels == 0, downsamplers == expectedDownsamplers else {
            throw WeightError.invalidConfiguration(
                "\(blocks.count) input blocks with downsamplers at \(downsamplers) under '\(tensors.prefix)' do not form an SD UNet")
        }
        layersPerBlock = layers

        var channels: [Int] = []
        var attention: [Bool] = []
        var depth: [Int] = []
        for level in 0..<levels {
            let block = 1 + level * (layers + 1)
            channels.append(try tensors.extent("input_blocks.\(block).0.out_layers.3.weight", 0))
            let transformer = "input_blocks.\(block).1."
            attention.append(tensors.hasModule(transformer))
            let layerCount = tensors.indices(under: transformer + "transformer_blocks.").count
            depth.append(max(layerCount, 1))
        }
        blockOutChannels = channels
        hasCrossAttention = attention
        transformerLayersPerBlock = depth

        if let key = tensors.firstName(under: "input_blocks.", endingWith: ".attn2.to_k.weight")
            ?? tensors.firstName(under: "middle_block.", endingWith: ".attn2.to_k.weight") {
            crossAttentionDim = try tensors.extent(key, 1)
        } else {
            crossAttentionDim = nil
        }
        if let key = tensors.firstName(endingWith: ".proj_in.weight") {
            useLinearProjection = try tensors.shape(key).count == 2
        } else {
            useLinearProjection = false
        }
    }

    /// diffusers' `attention_head_dim` (which UNet2DConditionModel uses as the number of heads) is not in
    /// the weights; the SD convention is what diffusers' `create_unet_diffusers_config_from_ldm` reads from
    /// the original YAML: SD 1.x `num_heads: 8` -> 8 on every level; SD 2.x (linear projections)
    /// `num_head_channels: 64` -> channels / 64 per level ([5, 10, 20, 20] for SD 2).
    var conventionalAttentionHeadDim: [Int] {
        useLinearProjection ? blockOutChannels.map { max($0 / 64, 1) } : Array(repeating: 8, count: levels)
    }

    /// Rules for `time_embed`, `conv_in`, the down blocks and the mid block (diffusers' `DIFFUSERS_TO_LDM_MAPPING`
    /// "layers" and the down/mid loops of `convert_ldm_unet_checkpoint`).
    var keyRules: [KeyMappingTable.Rule] {
        var rules: [KeyMappingTable.Rule] = [
            .init("time_embed.0.", "time_embedding.linear_1.", .parameters),
            .init("time_embed.2.", "time_embedding.linear_2.", .parameters),
            .init("input_blocks.0.0.", "conv_in.", .parameters),
            .init("middle_block.0.", "mid_block.resnets.0.", .ldmResnet),
            .init("middle_block.1.", "mid_block.attentions.0.", .unchanged),
            .init("middle_block.2.", "mid_block.resnets.1.", .ldmResnet),
        ]
        for level in 0..<levels {
            for layer in 0..<layersPerBlock {
                let block = inputBlock(level: level, layer: layer)
                rules.append(.init("input_blocks.\(block).0.", "down_blocks.\(level).resnets.\(layer).", .ldmResnet))
                if hasCrossAttention[level] {
                    rules.append(.init("input_blocks.\(block).1.", "down_blocks.\(level).attentions.\(layer).", .unchanged))
                }
            }
            if level < levels - 1 {
                let block = inputBlock(level: level, layer: layersPerBlock)
                rules.append(.init("input_blocks.\(block).0.op.", "down_blocks.\(level).downsamplers.0.conv.", .parameters))
            }
        }
        return rules
    }
}

extension KeyMappingTable.Remainder {
    /// Inside an LDM `ResBlock` -> diffusers `ResnetBlock2D` (diffusers' `update_unet_resnet_ldm_to_diffusers`).
    static let ldmResnet = Self.renamed([
        .init("in_layers.0.", "norm1."), .init("in_layers.2.", "conv1."),
        .init("out_layers.0.", "norm2."), .init("out_layers.3.", "conv2."),
        .init("emb_layers.1.", "time_emb_proj."), .init("skip_connection.", "conv_shortcut."),
    ])
}
