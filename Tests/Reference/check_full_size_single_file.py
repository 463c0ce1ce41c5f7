"""An offline check too large for CI: a full-size SD 1.5 checkpoint in the LDM single-file layout, as A1111 users
have them, loaded by Easel with nothing but the file (architecture inferred from the tensor shapes, CLIP's
vocabulary from Easel's resources) gives diffusers' image.

    .venv-ref/bin/python Benchmarks/make_random_sd15.py /tmp/sd15-random
    swift build -c release --product easel
    .venv-ref/bin/python Tests/Reference/check_full_size_single_file.py /tmp/sd15-random .build/release/easel

Writes FOLDER.safetensors (float16, ~2 GB) beside the folder, makes a 64x64 image from it with diffusers'
`StableDiffusionPipeline.from_single_file(file, config=FOLDER)` (diffusers cannot infer the config offline) and with
`easel generate --model FOLDER.safetensors`, and prints their mean and max difference in levels of 255.
"""
import os
import subprocess
import sys

import numpy as np
import torch
from diffusers import EulerAncestralDiscreteScheduler, StableDiffusionPipeline
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_conversion_fixtures import clip_to_ldm, unet_to_ldm, vae_to_ldm, write_f16  # noqa: E402

PROMPT, NEGATIVE, SEED, STEPS = "a photograph of an astronaut riding a horse", "blurry", 7, 4


def main(folder, easel):
    folder = folder.rstrip("/")
    path = folder + ".safetensors"
    pipe = StableDiffusionPipeline.from_pretrained(folder, safety_checker=None, requires_safety_checker=False)
    if not os.path.exists(path):
        state = {}
        state.update(unet_to_ldm(pipe.unet.state_dict(), pipe.unet.config))
        state.update(vae_to_ldm(pipe.vae.state_dict(), pipe.vae.config))
        state.update(clip_to_ldm(pipe.text_encoder.state_dict()))
        write_f16(path, {k: v.detach().half() for k, v in state.items()})
    loaded = StableDiffusionPipeline.from_single_file(path, config=folder, local_files_only=True, safety_checker=None,
                                                      requires_safety_checker=False, torch_dtype=torch.float32)
    loaded.scheduler = EulerAncestralDiscreteScheduler.from_config(loaded.scheduler.config)
    loaded.set_progress_bar_config(disable=True)
    image = loaded(prompt=PROMPT, negative_prompt=NEGATIVE, num_inference_steps=STEPS, guidance_scale=7.5, width=64,
                   height=64, generator=torch.Generator("cpu").manual_seed(SEED), output_type="np").images[0]
    expected = (image * 255).round().astype("uint8")
    out = folder + "-easel.png"
    subprocess.run([easel, "generate", "--model", path, "--prompt", PROMPT, "--negative-prompt", NEGATIVE,
                    "--seed", str(SEED), "--steps", str(STEPS), "--sampler", "euler_a", "--width", "64", "--height",
                    "64", "--prompt-syntax", "plain", "--output", out], check=True)
    actual = np.asarray(Image.open(out).convert("RGB")).astype(int)
    difference = np.abs(actual - expected.astype(int))
    print(f"full-size single file: mean |diff| {difference.mean():.4f}, max {difference.max()} "
          f"(image std {expected.std():.1f})")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
