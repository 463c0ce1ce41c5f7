import EaselCheckpoint
import Foundation

/// Key sets with the names and shapes of released Stable Diffusion checkpoints, just the tensors the
/// identification reads (plus a few neighbours), for tests that need no real weights.
enum SyntheticCheckpoints {
    typealias Keys = [(name: String, shape: [Int])]

    static func prefixed(_ prefix: String, _ keys: Keys) -> Keys { keys.map { (prefix + $0.name, $0.shape) } }

    /// SD 1.x UNet in diffusers names; `inChannels` 9 for inpainting.
    static func sd1UNetDiffusers(inChannels: Int = 4) -> Keys {
        [
            ("conv_in.weight", [320, inChannels, 3, 3]), ("conv_in.bias", [320]),
            ("time_embedding.linear_1.weight", [1280, 320]), ("time_embedding.linear_2.weight", [1280, 1280]),
            ("down_blocks.0.attentions.0.proj_in.weight", [320, 320, 1, 1]),
            ("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
            ("down_blocks.0.resnets.0.conv1.weight", [320, 320, 3, 3]),
            ("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight", [1280, 768]),
            ("conv_out.weight", [4, 320, 3, 3]),
        ]
    }

    /// SD 1.x UNet in original (LDM) names, without the `model.diffusion_model.` prefix.
    static func sd1UNetLDM(inChannels: Int = 4) -> Keys {
        [
            ("input_blocks.0.0.weight", [320, inChannels, 3, 3]), ("input_blocks.0.0.bias", [320]),
            ("time_embed.0.weight", [1280, 320]), ("time_embed.2.weight", [1280, 1280]),
            ("input_blocks.1.1.proj_in.weight", [320, 320, 1, 1]),
            ("input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
            ("middle_block.1.transformer_blocks.0.attn2.to_k.weight", [1280, 768]),
            ("out.2.weight", [4, 320, 3, 3]),
        ]
    }

    /// SD 2.x UNet (diffusers): Linear proj_in, 1024-wide cross-attention.
    static let sd2UNetDiffusers: Keys = [
        ("conv_in.weight", [320, 4, 3, 3]), ("time_embedding.linear_1.weight", [1280, 320]),
        ("down_blocks.0.attentions.0.proj_in.weight", [320, 320]),
        ("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", [320, 1024]),
    ]

    /// SDXL UNet (diffusers): add_embedding, 2048-wide cross-attention, no attention in the first block.
    static let sdxlUNetDiffusers: Keys = [
        ("conv_in.weight", [320, 4, 3, 3]), ("time_embedding.linear_1.weight", [1280, 320]),
        ("add_embedding.linear_1.weight", [1280, 2816]),
        ("down_blocks.1.attentions.0.proj_in.weight", [640, 640]),
        ("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight", [640, 2048]),
    ]

    /// SDXL UNet in original names (`label_emb` is the add embedding).
    static let sdxlUNetLDM: Keys = [
        ("input_blocks.0.0.weight", [320, 4, 3, 3]), ("time_embed.0.weight", [1280, 320]),
        ("label_emb.0.0.weight", [1280, 2816]),
        ("input_blocks.4.1.proj_in.weight", [640, 640]),
        ("input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight", [640, 2048]),
    ]

    static let vaeDiffusers: Keys = [
        ("encoder.conv_in.weight", [128, 3, 3, 3]), ("encoder.down_blocks.0.resnets.0.conv1.weight", [128, 128, 3, 3]),
        ("quant_conv.weight", [8, 8, 1, 1]), ("post_quant_conv.weight", [4, 4, 1, 1]),
        ("decoder.conv_in.weight", [512, 4, 3, 3]), ("decoder.up_blocks.0.resnets.0.conv1.weight", [512, 512, 3, 3]),
        ("decoder.conv_out.weight", [3, 128, 3, 3]),
    ]

    static let vaeLDM: Keys = [
        ("encoder.conv_in.weight", [128, 3, 3, 3]), ("encoder.down.0.block.0.conv1.weight", [128, 128, 3, 3]),
        ("quant_conv.weight", [8, 8, 1, 1]), ("post_quant_conv.weight", [4, 4, 1, 1]),
        ("decoder.conv_in.weight", [512, 4, 3, 3]), ("decoder.up.0.block.0.conv1.weight", [128, 256, 3, 3]),
        ("decoder.mid.attn_1.q.weight", [512, 512, 1, 1]),
    ]

    /// A transformers CLIP text model; `vocabulary` kept small so files stay small (only the width matters).
    static func clipTransformers(width: Int, layers: Int, vocabulary: Int = 10, projection: Bool = false) -> Keys {
        var keys: Keys = [
            ("text_model.embeddings.token_embedding.weight", [vocabulary, width]),
            ("text_model.embeddings.position_embedding.weight", [77, width]),
            ("text_model.final_layer_norm.weight", [width]),
        ]
        for layer in 0..<layers {
            keys.append(("text_model.encoder.layers.\(layer).layer_norm1.weight", [width]))
            keys.append(("text_model.encoder.layers.\(layer).self_attn.q_proj.weight", [width, width]))
        }
        if projection { keys.append(("text_projection.weight", [width, width])) }
        return keys
    }

    /// An OpenCLIP text model as SD 2.x and SDXL single files store it.
    static func openCLIP(width: Int, layers: Int, vocabulary: Int = 10) -> Keys {
        var keys: Keys = [
            ("token_embedding.weight", [vocabulary, width]), ("positional_embedding", [77, width]),
            ("ln_final.weight", [width]), ("text_projection", [width, width]),
        ]
        for layer in 0..<layers { keys.append(("transformer.resblocks.\(layer).ln_1.weight", [width])) }
        return keys
    }

    static let controlNetDiffusers: Keys = [
        ("controlnet_cond_embedding.conv_in.weight", [16, 3, 3, 3]),
        ("controlnet_cond_embedding.conv_out.weight", [320, 256, 3, 3]),
        ("conv_in.weight", [320, 4, 3, 3]), ("time_embedding.linear_1.weight", [1280, 320]),
        ("down_blocks.0.attentions.0.proj_in.weight", [320, 320, 1, 1]),
        ("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
        ("controlnet_down_blocks.0.weight", [320, 320, 1, 1]), ("controlnet_mid_block.weight", [1280, 1280, 1, 1]),
    ]

    /// ControlNet v1.1 in original names (`control_model.` prefix in the released files, or none).
    static let controlNetLDM: Keys = [
        ("input_hint_block.0.weight", [16, 3, 3, 3]), ("input_hint_block.14.weight", [320, 256, 3, 3]),
        ("input_blocks.0.0.weight", [320, 4, 3, 3]), ("time_embed.0.weight", [1280, 320]),
        ("input_blocks.1.1.proj_in.weight", [320, 320, 1, 1]),
        ("input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
        ("zero_convs.0.0.weight", [320, 320, 1, 1]), ("middle_block_out.0.weight", [1280, 1280, 1, 1]),
    ]

    /// A full SD 1.x single-file checkpoint, with the schedule buffers old checkpoints carry.
    static var sd1SingleFile: Keys {
        prefixed("model.diffusion_model.", sd1UNetLDM()) + prefixed("first_stage_model.", vaeLDM)
            + prefixed("cond_stage_model.transformer.", clipTransformers(width: 768, layers: 12))
            + [("betas", [1000]), ("alphas_cumprod", [1000])]
    }

    /// The infos of `keys`, all F16 (offsets are not used by the identification).
    static func infos(_ keys: Keys) -> [String: TensorInfo] {
        Dictionary(keys.map { ($0.name, TensorInfo(name: $0.name, dataType: .float16, shape: $0.shape, dataOffsets: 0..<0)) }) { a, _ in a }
    }

    /// Writes `keys` as F16 zeros (F32 for `f32Names`, I64 for `position_ids`) to `url`.
    static func write(_ keys: Keys, to url: URL, metadata: [String: String] = [:]) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        for (name, shape) in keys {
            let count = shape.reduce(1, *)
            if name.hasSuffix("position_ids") {
                try writer.add(name, dataType: .int64, shape: shape, bytes: [UInt8](repeating: 0, count: 8 * count))
            } else {
                try writer.add(name, dataType: .float16, shape: shape, bytes: [UInt8](repeating: 0, count: 2 * count))
            }
        }
        try writer.write(to: url)
    }
}
