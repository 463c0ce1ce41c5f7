"""End-to-end fixtures: a tiny random Stable Diffusion 1.x pipeline and the images diffusers makes with it.

Writes Tests/EaselTestSupport/Fixtures/Pipeline_tiny/ (shared by the Easel and CLI tests) (a diffusers folder: tokenizer, text_encoder, unet,
vae, scheduler, model_index.json), Pipeline_init.png (the img2img input) and, per case, Pipeline_<case>.png
(diffusers' output, uint8 as its numpy_to_pil rounds it) with Pipeline_cases.json listing every setting, and
Pipeline_latents.safetensors with each case's latents after every step (`<case>.latents_step_<i>`, [4, h/8, w/8]),
so a failing end-to-end test can say at which step Easel leaves diffusers. Pipeline_tiny_ldm.safetensors holds the
same networks as one float16 LDM-layout checkpoint, for the single-file case.

The tokenizer is CLIP's own BPE cut down to its first 300 merges (vocab 814: the 512 byte symbols, 300 merged
tokens, then <|startoftext|> and <|endoftext|> at 812 and 813), so the text encoder's embedding table stays
small while the folder is a real CLIPTokenizer folder whose special ids differ from SD's 49406/49407.
The VAE has four levels like SD's (scale factor 8), so 64x64 images have 8x8 latents.
"""
import json
import math
import os
import shutil
from types import SimpleNamespace

import numpy as np
import torch
from PIL import Image

from fixture_util import ROOT, fixtures_dir, save_fixture
from make_conversion_fixtures import clip_to_ldm, unet_to_ldm, vae_to_ldm, write_f16

from diffusers import (AutoencoderKL, DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                       EulerDiscreteScheduler, PNDMScheduler, StableDiffusionImg2ImgPipeline,
                       StableDiffusionPipeline, UNet2DConditionModel)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

torch.set_num_threads(2)
OUT = fixtures_dir("EaselTestSupport")
FOLDER = os.path.join(OUT, "Pipeline_tiny")
CLIP_VOCAB = os.path.join(ROOT, "Sources", "EaselDiffusion", "Resources", "clip")
MERGES = 300

SD15_SCHEDULER = {
    "_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
    "num_train_timesteps": 1000, "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1,
    "trained_betas": None, "clip_sample": False,
}

SAMPLERS = {
    "ddim": lambda c: DDIMScheduler.from_config(c),
    "pndm": lambda c: PNDMScheduler.from_config(c),
    "euler": lambda c: EulerDiscreteScheduler.from_config(c),
    "euler_a": lambda c: EulerAncestralDiscreteScheduler.from_config(c),
    "dpmpp_2m": lambda c: DPMSolverMultistepScheduler.from_config(c),
    "dpmpp_2m_karras": lambda c: DPMSolverMultistepScheduler.from_config(c, use_karras_sigmas=True),
    "euler_karras": lambda c: EulerDiscreteScheduler.from_config(c, use_karras_sigmas=True),
}

PROMPT = "a photograph of an astronaut riding a horse, highly detailed"
LONG_PROMPT = ", ".join(["a red house on a green hill under a blue sky with white clouds"] * 8)

TEXT_TO_IMAGE = [
    dict(case="t2i_ddim", sampler="ddim", seed=42, steps=8, cfg=7.5, prompt=PROMPT, negative="blurry, low quality"),
    dict(case="t2i_pndm", sampler="pndm", seed=1, steps=8, cfg=7.5, prompt=PROMPT, negative=""),
    dict(case="t2i_euler", sampler="euler", seed=7, steps=8, cfg=5.0, prompt=PROMPT, negative="blurry"),
    dict(case="t2i_euler_a", sampler="euler_a", seed=1234, steps=8, cfg=7.5, prompt=PROMPT, negative=""),
    dict(case="t2i_dpmpp_2m", sampler="dpmpp_2m", seed=3, steps=8, cfg=7.5, prompt=PROMPT, negative="ugly"),
    dict(case="t2i_dpmpp_2m_karras", sampler="dpmpp_2m_karras", seed=99, steps=8, cfg=7.5, prompt=PROMPT, negative=""),
    dict(case="t2i_euler_karras", sampler="euler_karras", seed=5, steps=6, cfg=7.5, prompt=PROMPT, negative=""),
    dict(case="t2i_no_cfg", sampler="euler", seed=11, steps=6, cfg=1.0, prompt=PROMPT, negative=""),
    dict(case="t2i_clip_skip", sampler="ddim", seed=12, steps=6, cfg=7.5, prompt=PROMPT, negative="", clip_skip=1),
    dict(case="t2i_long_prompt_wide", sampler="euler_a", seed=2**32 + 5, steps=6, cfg=7.5, prompt=LONG_PROMPT,
         negative="", width=96, height=64),
    # vae.enable_tiling(): the VAE's sample_size is 64, so a 136-pixel-wide image decodes in overlapping tiles.
    dict(case="t2i_vae_tiling", sampler="dpmpp_2m", seed=8, steps=5, cfg=7.5, prompt=PROMPT, negative="",
         width=136, height=64, vae_tiling=True),
]
IMAGE_TO_IMAGE = [
    dict(case="i2i_ddim", sampler="ddim", seed=21, steps=10, cfg=7.5, strength=0.75, prompt=PROMPT, negative=""),
    dict(case="i2i_euler_a", sampler="euler_a", seed=22, steps=10, cfg=7.5, strength=0.5, prompt=PROMPT, negative="dark"),
    dict(case="i2i_dpmpp_2m_karras", sampler="dpmpp_2m_karras", seed=23, steps=10, cfg=6.0, strength=0.6,
         prompt=PROMPT, negative=""),
    dict(case="i2i_pndm_full", sampler="pndm", seed=24, steps=8, cfg=7.5, strength=1.0, prompt=PROMPT, negative=""),
    dict(case="i2i_euler", sampler="euler", seed=25, steps=8, cfg=7.5, strength=0.3, prompt=PROMPT, negative=""),
]

# The same networks as one LDM-layout file in float16 (as A1111 checkpoints are usually shared), loaded by
# `StableDiffusionPipeline.from_single_file(file, config=Pipeline_tiny)`.
SINGLE_FILE = [
    dict(case="single_file_euler_a", sampler="euler_a", seed=31, steps=6, cfg=7.5, prompt=PROMPT, negative="blurry",
         single_file=True),
]


def make_tokenizer(folder):
    vocab = json.load(open(os.path.join(CLIP_VOCAB, "vocab.json"), encoding="utf-8"))
    merges = open(os.path.join(CLIP_VOCAB, "merges.txt"), encoding="utf-8").read().split("\n")
    header, merges = merges[0], merges[1:1 + MERGES]
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    small = {token: i for token, i in by_id[:512 + MERGES]}
    small["<|startoftext|>"] = len(small)
    small["<|endoftext|>"] = len(small)
    for merge in merges:  # every merge result must be a token of the cut vocabulary
        assert merge.replace(" ", "") in small, merge
    tmp = os.path.join(folder, "_src")
    os.makedirs(tmp, exist_ok=True)
    json.dump(small, open(os.path.join(tmp, "vocab.json"), "w", encoding="utf-8"), ensure_ascii=False)
    open(os.path.join(tmp, "merges.txt"), "w", encoding="utf-8").write("\n".join([header] + merges) + "\n")
    tokenizer = CLIPTokenizer(os.path.join(tmp, "vocab.json"), os.path.join(tmp, "merges.txt"), model_max_length=77)
    tokenizer.save_pretrained(os.path.join(folder, "tokenizer"))
    # transformers 5 writes only tokenizer.json; published SD folders (transformers 4) carry vocab.json and
    # merges.txt, which is what Easel reads, so keep both forms.
    for name in ("vocab.json", "merges.txt"):
        shutil.move(os.path.join(tmp, name), os.path.join(folder, "tokenizer", name))
    shutil.rmtree(tmp)
    return tokenizer


def randomize(model, seed, cross_attention_gain=1.0):
    """Redraws every parameter at unit scale: matrices ~ N(0, 1/fan_in), norm weights ~ 1 + N(0, 0.2), other
    vectors ~ N(0, 0.1). diffusers' and transformers' own inits leave the prompt almost without effect (changing one
    word moved the image by ~1 level in 255, the test's own tolerance); with the UNet's cross-attention (attn2) at
    `cross_attention_gain` x unit scale, one word of the negative prompt moves it by ~16 levels, so a tokenizer or
    text-path mistake cannot hide under the tolerance."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in sorted(model.named_parameters()):
            n = torch.randn(t.shape, generator=g)
            if t.ndim == 1:
                t.copy_(1 + 0.2 * n if ("norm" in name and name.endswith("weight")) else 0.1 * n)
            else:
                gain = cross_attention_gain if "attn2" in name else 1.0
                t.copy_(gain * n / math.sqrt(t[0].numel()))


def make_pipeline():
    if os.path.exists(FOLDER):
        shutil.rmtree(FOLDER)
    os.makedirs(FOLDER)
    tokenizer = make_tokenizer(FOLDER)
    torch.manual_seed(0)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
        max_position_embeddings=77, hidden_act="quick_gelu", bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id))
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(16, 32), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32, attention_head_dim=2, norm_num_groups=8)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 16, 16, 16), layers_per_block=1,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4, norm_num_groups=4,
        sample_size=64)
    randomize(text_encoder, 1)
    randomize(unet, 2, cross_attention_gain=3.0)
    scheduler = PNDMScheduler.from_config(SD15_SCHEDULER)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(FOLDER, safe_serialization=True)
    # Published SD 1.x folders carry the scheduler config written by diffusers 0.6, without `timestep_spacing`,
    # so each scheduler swapped in with from_config takes its own default spacing (Euler and DPM-Solver:
    # "linspace"). diffusers 0.42.1 writes PNDM's "leading" into the file, which would carry over to them; keep
    # the published file instead, and make every image from the folder as saved.
    with open(os.path.join(FOLDER, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(dict(SD15_SCHEDULER, _diffusers_version="0.6.0"), f, indent=2, sort_keys=True)
        f.write("\n")
    loaded = StableDiffusionPipeline.from_pretrained(FOLDER, safety_checker=None, requires_safety_checker=False)
    assert "timestep_spacing" not in EulerDiscreteScheduler.from_config(loaded.scheduler.config).config \
        or EulerDiscreteScheduler.from_config(loaded.scheduler.config).config.timestep_spacing == "linspace"
    return loaded


def make_single_file(pipe):
    """Writes Pipeline_tiny_ldm.safetensors (float16, LDM names) and loads it back the way diffusers loads A1111
    checkpoints, checking every weight arrives as the float16-rounded original."""
    path = os.path.join(OUT, "Pipeline_tiny_ldm.safetensors")
    state = {}
    state.update(unet_to_ldm(pipe.unet.state_dict(), pipe.unet.config))
    state.update(vae_to_ldm(pipe.vae.state_dict(), pipe.vae.config))
    state.update(clip_to_ldm(pipe.text_encoder.state_dict()))
    write_f16(path, {k: v.detach().half() for k, v in state.items()})
    loaded = StableDiffusionPipeline.from_single_file(path, config=FOLDER, local_files_only=True, safety_checker=None,
                                                      requires_safety_checker=False, torch_dtype=torch.float32)
    for what in ("unet", "vae", "text_encoder"):
        ours, theirs = getattr(pipe, what).state_dict(), getattr(loaded, what).state_dict()
        assert set(ours) == set(theirs), what
        for k, v in ours.items():
            assert torch.equal(v.half().float(), theirs[k]), (what, k)
    loaded.set_progress_bar_config(disable=True)
    return loaded


def allow_clip_skip(text_encoder):
    """diffusers 0.42.1 `encode_prompt(clip_skip=k)` reads `text_encoder.text_model.final_layer_norm`, which
    transformers 5's `CLIPTextModel` no longer has (its layers sit at the root). Point that one attribute at the
    model's own final LayerNorm, bypassing nn.Module registration so the state dict is unchanged."""
    object.__setattr__(text_encoder, "text_model", SimpleNamespace(final_layer_norm=text_encoder.final_layer_norm))


def init_image():
    path = os.path.join(OUT, "Pipeline_init.png")
    photo = Image.open(os.path.join(ROOT, "Examples", "ExampleSamples", "Samples", "chelsea.png")).convert("RGB")
    photo.resize((64, 64), Image.LANCZOS).save(path)
    return Image.open(path).convert("RGB")


def to_png(images, path):
    pixels = (images[0] * 255).round().astype("uint8")  # diffusers' numpy_to_pil
    Image.fromarray(pixels).save(path)


def main():
    pipe = make_pipeline()
    allow_clip_skip(pipe.text_encoder)
    single_file = make_single_file(pipe)
    pipe.set_progress_bar_config(disable=True)
    base_config = pipe.scheduler.config
    image = init_image()
    cases = []
    latents = {}
    for case in TEXT_TO_IMAGE + IMAGE_TO_IMAGE + SINGLE_FILE:
        scheduler = SAMPLERS[case["sampler"]](base_config)
        generator = torch.Generator("cpu").manual_seed(case["seed"])
        captured = {}

        def capture(pipeline, step, timestep, tensors):
            captured[f"{case['case']}.latents_step_{step}"] = tensors["latents"][0].clone()
            return tensors

        common = dict(prompt=case["prompt"], negative_prompt=case["negative"] or None,
                      num_inference_steps=case["steps"], guidance_scale=case["cfg"], generator=generator,
                      output_type="np", clip_skip=case.get("clip_skip"), callback_on_step_end=capture)
        if "strength" in case:
            runner = StableDiffusionImg2ImgPipeline(**pipe.components)
            runner.scheduler = scheduler
            runner.set_progress_bar_config(disable=True)
            images = runner(image=image, strength=case["strength"], **common).images
        else:
            runner = single_file if case.get("single_file") else pipe
            runner.scheduler = scheduler
            if case.get("vae_tiling"):
                runner.vae.enable_tiling()
            images = runner(width=case.get("width", 64), height=case.get("height", 64), **common).images
            runner.vae.disable_tiling()
        to_png(images, os.path.join(OUT, f"Pipeline_{case['case']}.png"))
        latents.update(captured)
        cases.append(dict(case, width=case.get("width", 64), height=case.get("height", 64)))
        print(case["case"], images.shape, float(images.mean()))
    save_fixture("EaselTestSupport", "Pipeline_latents", latents)
    json.dump(cases, open(os.path.join(OUT, "Pipeline_cases.json"), "w"), indent=1)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs
                if "Pipeline" in os.path.join(d, f))
    print(f"pipeline fixtures: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
