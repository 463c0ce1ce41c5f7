"""End-to-end inpainting fixtures: the tiny pipeline of make_pipeline_fixtures.py with its own 4-channel UNet and
with a 9-channel inpainting UNet, alone and under a tiny ControlNet, and the images diffusers 0.42.1 makes.

Reads Tests/EaselTestSupport/Fixtures/Pipeline_tiny, Pipeline_init.png and ControlPipeline_net_a (run
make_pipeline_fixtures.py and make_controlnet_pipeline_fixtures.py first) and writes, next to them:
- InpaintPipeline_unet9/: a diffusers UNet folder (config.json, diffusion_pytorch_model.safetensors) with the tiny
  UNet's config but `in_channels` 9 (sd-v1-5-inpainting's layout), every weight redrawn at unit scale and stored as
  float16 to halve the file (diffusers runs on the float32 values of those float16 weights, as Easel loads them);
- InpaintPipeline_mask.png (64x64 gray: a soft-edged ellipse and a bar, with values between 0 and 255 so diffusers'
  binarisation at 0.5 is exercised);
- per case InpaintPipeline_<case>.png (diffusers' output, uint8 as numpy_to_pil rounds it), the cases in
  InpaintPipeline_cases.json, and InpaintPipeline_latents.safetensors with each case's final latents.

Cases: StableDiffusionInpaintPipeline with the 9-channel UNet (strength 1: noise then masked-image encode; strength
< 1: image encode, noise, masked-image encode) and with the 4-channel UNet (latent blending after every step), and
StableDiffusionControlNetInpaintPipeline with both UNets and the ControlNet v1.1 inpaint condition (the init image in
[0, 1] with masked pixels -1, `make_inpaint_condition` of diffusers' docs).
"""
import json
import math
import os
import shutil

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter

from fixture_util import fixtures_dir, save_fixture, write_safetensors
from make_pipeline_fixtures import PROMPT, SAMPLERS, randomize, to_png

from diffusers import (ControlNetModel, StableDiffusionControlNetInpaintPipeline, StableDiffusionInpaintPipeline,
                       StableDiffusionPipeline, UNet2DConditionModel)

torch.set_num_threads(2)
OUT = fixtures_dir("EaselTestSupport")
PIPELINE = os.path.join(OUT, "Pipeline_tiny")
UNET9 = os.path.join(OUT, "InpaintPipeline_unet9")

CASES = [
    dict(case="unet9_full_euler_a", unet=9, sampler="euler_a", seed=201, steps=8, cfg=7.5, strength=1.0),
    dict(case="unet9_strength_ddim", unet=9, sampler="ddim", seed=202, steps=10, cfg=7.5, strength=0.6,
         negative="blurry"),
    dict(case="unet9_no_cfg_euler", unet=9, sampler="euler", seed=203, steps=6, cfg=1.0, strength=1.0),
    dict(case="unet4_full_dpmpp_2m", unet=4, sampler="dpmpp_2m", seed=204, steps=8, cfg=7.5, strength=1.0),
    dict(case="unet4_strength_euler", unet=4, sampler="euler", seed=205, steps=10, cfg=6.0, strength=0.7),
    dict(case="unet4_strength_pndm", unet=4, sampler="pndm", seed=206, steps=8, cfg=7.5, strength=0.75),
    dict(case="control_unet9_euler_a", unet=9, sampler="euler_a", seed=207, steps=8, cfg=7.5, strength=1.0,
         control_scale=0.5),
    dict(case="control_unet4_ddim", unet=4, sampler="ddim", seed=208, steps=10, cfg=7.5, strength=0.8,
         control_scale=0.9),
]


def make_unet9(base_unet):
    """The tiny UNet's config with 9 input channels, randomised, float16-rounded, saved and reloaded."""
    config = dict(base_unet.config)
    config["in_channels"] = 9
    torch.manual_seed(0)
    unet = UNet2DConditionModel.from_config(config)
    randomize(unet, 51)
    if os.path.exists(UNET9):
        shutil.rmtree(UNET9)
    os.makedirs(UNET9)
    unet.save_config(UNET9)
    write_safetensors(os.path.join(UNET9, "diffusion_pytorch_model.safetensors"),
                      {k: v.detach().to(torch.float16).contiguous() for k, v in unet.state_dict().items()},
                      {"format": "pt"}, keep_dtypes=True)
    return UNet2DConditionModel.from_pretrained(UNET9, torch_dtype=torch.float32).eval()


def make_mask():
    mask = Image.new("L", (64, 64), 0)
    draw = ImageDraw.Draw(mask)
    draw.ellipse((14, 10, 44, 38), fill=255)
    draw.rectangle((36, 44, 60, 54), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(2))
    mask.save(os.path.join(OUT, "InpaintPipeline_mask.png"))
    return Image.open(os.path.join(OUT, "InpaintPipeline_mask.png"))


def make_inpaint_condition(image, mask):
    """diffusers' documented ControlNet v1.1 inpaint condition: [0, 1] image, pixels with mask > 0.5 set to -1."""
    image = np.array(image.convert("RGB")).astype(np.float32) / 255.0
    mask = np.array(mask.convert("L")).astype(np.float32) / 255.0
    image[mask > 0.5] = -1.0
    return torch.from_numpy(np.expand_dims(image, 0).transpose(0, 3, 1, 2))


def main():
    base = StableDiffusionPipeline.from_pretrained(PIPELINE, safety_checker=None, requires_safety_checker=False)
    unets = {4: base.unet, 9: make_unet9(base.unet)}
    net = ControlNetModel.from_pretrained(os.path.join(OUT, "ControlPipeline_net_a")).eval()
    init = Image.open(os.path.join(OUT, "Pipeline_init.png")).convert("RGB")
    mask = make_mask()
    condition = make_inpaint_condition(init, mask)
    cases, latents = [], {}
    for case in CASES:
        components = dict(vae=base.vae, text_encoder=base.text_encoder, tokenizer=base.tokenizer,
                          unet=unets[case["unet"]], scheduler=SAMPLERS[case["sampler"]](base.scheduler.config),
                          safety_checker=None, feature_extractor=None, requires_safety_checker=False)
        captured = {}

        def capture(pipeline, step, timestep, tensors):
            captured["latents"] = tensors["latents"][0].clone()
            return tensors

        common = dict(prompt=PROMPT, negative_prompt=case.get("negative") or None, image=init, mask_image=mask,
                      num_inference_steps=case["steps"], guidance_scale=case["cfg"], strength=case["strength"],
                      generator=torch.Generator("cpu").manual_seed(case["seed"]), output_type="np",
                      callback_on_step_end=capture, width=64, height=64)
        if "control_scale" in case:
            runner = StableDiffusionControlNetInpaintPipeline(controlnet=net, **components)
            common.update(control_image=condition, controlnet_conditioning_scale=case["control_scale"])
        else:
            runner = StableDiffusionInpaintPipeline(**components)
        runner.set_progress_bar_config(disable=True)
        out = runner(**common).images
        to_png(out, os.path.join(OUT, f"InpaintPipeline_{case['case']}.png"))
        latents[f"{case['case']}.latents"] = captured["latents"]
        cases.append(dict(case, negative=case.get("negative", ""), width=64, height=64))
        print(f"{case['case']}: mean {float(out.mean()):.4f}")
    save_fixture("EaselTestSupport", "InpaintPipeline_latents", latents)
    with open(os.path.join(OUT, "InpaintPipeline_cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs
                if "InpaintPipeline" in os.path.join(d, f))
    print(f"inpainting pipeline fixtures: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
