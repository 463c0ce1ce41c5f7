"""Writes a full-size Stable Diffusion 1.5 pipeline folder with random weights, for `easel bench`.

    .venv-ref/bin/python Benchmarks/make_random_sd15.py /tmp/sd15-random

The configs are SD 1.5's (runwayml/stable-diffusion-v1-5): UNet 859.5 M parameters, VAE 83.7 M, CLIP ViT-L/14
text encoder 123 M, the PNDM scheduler config, and CLIP's vocabulary from Easel's resources. The weights are
random (nothing can be downloaded here), which is all a speed measurement needs: every op runs at full size.
"""
import json
import os
import sys

import torch
from diffusers import AutoencoderKL, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIP = os.path.join(ROOT, "Sources", "EaselDiffusion", "Resources", "clip")


def main(out):
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=64, in_channels=4, out_channels=4, block_out_channels=(320, 640, 1280, 1280), layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3, cross_attention_dim=768, attention_head_dim=8)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4, sample_size=512)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
        max_position_embeddings=77, hidden_act="quick_gelu", bos_token_id=0, eos_token_id=2, pad_token_id=1))
    tokenizer = CLIPTokenizer(os.path.join(CLIP, "vocab.json"), os.path.join(CLIP, "merges.txt"), model_max_length=77)
    scheduler = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", skip_prk_steps=True,
                              steps_offset=1, set_alpha_to_one=False)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(out, safe_serialization=True)
    # The published SD 1.5 scheduler_config.json (diffusers 0.6), without the `timestep_spacing` that diffusers
    # 0.42.1 writes, so samplers swapped in with from_config take their own default spacing, as with real folders.
    with open(os.path.join(out, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump({"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
                   "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
                   "num_train_timesteps": 1000, "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1,
                   "trained_betas": None}, f, indent=2)
    for part in ("unet", "vae", "text_encoder"):
        count = sum(p.numel() for p in getattr(pipe, part).parameters())
        print(f"{part}: {count / 1e6:.1f} M parameters")
    print(f"wrote {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
