import Foundation

/// Key names and shapes of released models (the tensors identification reads).
enum InspectSampleKeys {
    static let sd1UNet: [(String, [Int])] = [
        ("conv_in.weight", [320, 4, 3, 3]), ("conv_in.bias", [320]),
        ("time_embedding.linear_1.weight", [1280, 320]),
        ("down_blocks.0.attentions.0.proj_in.weight", [320, 320, 1, 1]),
        ("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
        ("down_blocks.10.resnets.0.conv1.bias", [320]), ("down_blocks.2.resnets.0.conv1.bias", [320]),
    ]

    static let ldmInpaintingUNet: [(String, [Int])] = [
        ("model.diffusion_model.input_blocks.0.0.weight", [320, 9, 3, 3]),
        ("model.diffusion_model.time_embed.0.weight", [1280, 320]),
        ("model.diffusion_model.input_blocks.1.1.proj_in.weight", [320, 320, 1, 1]),
        ("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
        ("betas", [1000]),
    ]

    static let vae: [(String, [Int])] = [
        ("encoder.conv_in.weight", [128, 3, 3, 3]), ("encoder.down_blocks.0.resnets.0.conv1.weight", [128, 128, 3, 3]),
        ("decoder.conv_in.weight", [512, 4, 3, 3]),
    ]
}

