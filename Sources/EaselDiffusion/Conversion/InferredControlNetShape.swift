/// The architecture of a ControlNet v1.1 single file (`control_model.*`, or the same names without the
/// prefix), read from its tensor shapes, named as in diffusers' `ControlNetModel` config; what diffusers'
/// `create_controlnet_diffusers_config_from_ldm` takes from the YAML. Not in the weights: `attentionHeadDim`
/// (the SD convention, as for `InferredUNetShape`) and `norm_num_groups` (32).
public struct InferredControlNetShape: Sendable, Equatable {
    /// `in_channels` of the copied UNet encoder (4).
    public var inChannels: Int
    /// `conditioning_channels`: channels of the control image (3).
    public var conditioningChannels: Int
    /// `conditioning_embedding_out_channels` ((16, 32, 96, 256) in v1.1).
    public var conditioningEmbeddingOutChannels: [Int]
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    /// Per down block: `CrossAttnDownBlock2D` (true) or `DownBlock2D`.
    public var downBlockHasCrossAttention: [Bool]
    public var crossAttentionDim: Int?
    public var transformerLayersPerBlock: [Int]
    public var useLinearProjection: Bool
    /// The SD convention, not inferable (see `InferredUNetShape.attentionHeadDim`).
    public var attentionHeadDim: [Int]
    public var timeEmbeddingDim: Int

    /// `down_block_types` as in the diffusers config.
    public var downBlockTypes: [String] { downBlockHasCrossAttention.map { $0 ? "CrossAttnDownBlock2D" : "DownBlock2D" } }

    /// Indices of the convolutions in `input_hint_block` (a Sequential of conv, SiLU, conv, ...: even slots).
    private let hintConvolutions: [Int]

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

        let hint = tensors.indices(under: "input_hint_block.")
        // conv_in, then (conv, strided conv) per step between embedding widths, then conv_out.
        guard hint.count >= 2, hint.count % 2 == 0, hint == hint.indices.map({ 2 * $0 }) else {
            throw WeightError.invalidConfiguration("input_hint_block convolutions \(hint) under '\(tensors.prefix)' are not at 0, 2, 4, ...")
        }
        hintConvolutions = hint
        conditioningChannels = try tensors.extent("input_hint_block.0.weight", 1)
        // ControlNetConditioningEmbedding: conv_in -> c0; blocks 2k (c_k -> c_k) and 2k+1 (c_k -> c_k+1, stride 2).
        var widths = [try tensors.extent("input_hint_block.0.weight", 0)]
        for block in stride(from: 1, to: hint.count - 2, by: 2) {
            widths.append(try tensors.extent("input_hint_block.\(hint[block + 1]).weight", 0))
        }
        conditioningEmbeddingOutChannels = widths

        let zeroConvs = tensors.indices(under: "zero_convs.")
        let expected = 1 + downPath.levels * downPath.layersPerBlock + downPath.levels - 1
        guard zeroConvs == Array(0..<expected) else {
            throw WeightError.invalidConfiguration("zero_convs \(zeroConvs) under '\(tensors.prefix)' do not match \(expected) input blocks")
        }
    }

    /// The table from v1.1 names (prefix removed) to diffusers `ControlNetModel` names: diffusers'
    /// `convert_controlnet_checkpoint` as rules (`input_hint_block.{0, 2..n-2, n}` -> conditioning embedding
    /// `conv_in, blocks.0..., conv_out`; `zero_convs.i.0` -> `controlnet_down_blocks.i`; `middle_block_out.0`
    /// -> `controlnet_mid_block`), plus the shared encoder rules.
    func keyTable(downPath: LDMDownPath) -> KeyMappingTable {
        var rules = downPath.keyRules
        rules.append(.init("input_hint_block.0.", "controlnet_cond_embedding.conv_in.", .parameters))
        for (block, slot) in hintConvolutions.dropFirst().dropLast().enumerated() {
            rules.append(.init("input_hint_block.\(slot).", "controlnet_cond_embedding.blocks.\(block).", .parameters))
        }
        if let last = hintConvolutions.last {
            rules.append(.init("input_hint_block.\(last).", "controlnet_cond_embedding.conv_out.", .parameters))
        }
        for block in 0..<(1 + downPath.levels * (downPath.layersPerBlock + 1) - 1) {
            rules.append(.init("zero_convs.\(block).0.", "controlnet_down_blocks.\(block).", .parameters))
        }
        rules.append(.init("middle_block_out.0.", "controlnet_mid_block.", .parameters))
        return KeyMappingTable(rules)
    }
}
