"""End-to-end ControlNet fixtures: the tiny pipeline of make_pipeline_fixtures.py under one or two tiny ControlNets,
and the images diffusers 0.42.1 makes with them.

Reads Tests/EaselTestSupport/Fixtures/Pipeline_tiny (run make_pipeline_fixtures.py first) and writes, next to it:
- ControlPipeline_net_a/, ControlPipeline_net_b/: two diffusers ControlNet folders, `ControlNetModel.from_unet(unet)`
  with a small conditioning embedding and every weight redrawn at unit scale (the zero convolutions included, or the
  control path would add nothing), written with sorted keys so reruns are byte for byte the same;
- ControlPipeline_cond_a.png (64x64, white lines on black, like a Canny map) and ControlPipeline_cond_b.png (80x56,
  a coloured drawing of another size, so diffusers' plain resize of the condition image is exercised);
- per case ControlPipeline_<case>.png (diffusers' output, uint8 as numpy_to_pil rounds it), the cases in
  ControlPipeline_cases.json, and ControlPipeline_latents.safetensors with each case's final latents
  (`<case>.latents`, [4, h/8, w/8]).

Cases: StableDiffusionControlNetPipeline with one net, two nets (own scales and guidance start/end), guess mode,
guidance start/end, a scale != 1 with a resized condition, no CFG; StableDiffusionControlNetImg2ImgPipeline; and two
A1111 control modes computed with diffusers' own pipeline and a ControlNet whose outputs are rescaled as the A1111
extension does (soft injection: residual i of n times weight * 0.825^(n-1-i); "ControlNet is more important" also
through diffusers' guess-mode path, which runs the net on the conditional half only and gives the unconditional half
zero residuals).
"""
import json
import math
import os
import shutil
import types

import numpy as np
import torch
from PIL import Image, ImageDraw

from fixture_util import fixtures_dir, save_fixture, write_safetensors
from make_pipeline_fixtures import PROMPT, SAMPLERS, randomize, to_png

from diffusers import (ControlNetModel, StableDiffusionControlNetImg2ImgPipeline, StableDiffusionControlNetPipeline,
                       StableDiffusionPipeline)

torch.set_num_threads(2)
OUT = fixtures_dir("EaselTestSupport")
PIPELINE = os.path.join(OUT, "Pipeline_tiny")

# Cases: nets by name, their condition images, diffusers' arguments. `mode` is Easel's control mode for every unit
# (balanced unless given); `a1111` selects the rescaled net below.
CASES = [
    dict(case="one_net_euler_a", sampler="euler_a", seed=101, steps=8, cfg=7.5, nets=["a"], images=["a"],
         scales=[1.0]),
    dict(case="two_nets_ddim", sampler="ddim", seed=102, steps=8, cfg=7.5, nets=["a", "b"], images=["a", "b"],
         scales=[1.0, 0.7], starts=[0.0, 0.25], ends=[1.0, 0.75], negative="blurry"),
    dict(case="guess_dpmpp_2m", sampler="dpmpp_2m", seed=103, steps=8, cfg=7.5, nets=["a"], images=["a"],
         scales=[1.0], mode="guess"),
    dict(case="guess_two_nets_euler", sampler="euler", seed=110, steps=6, cfg=7.5, nets=["a", "b"], images=["a", "b"],
         scales=[0.8, 1.2], mode="guess"),
    dict(case="start_end_euler", sampler="euler", seed=104, steps=8, cfg=7.5, nets=["a"], images=["a"], scales=[1.0],
         starts=[0.25], ends=[0.625]),
    dict(case="scale_resized_pndm", sampler="pndm", seed=105, steps=8, cfg=7.5, nets=["b"], images=["b"],
         scales=[0.5]),
    dict(case="no_cfg_euler", sampler="euler", seed=106, steps=6, cfg=1.0, nets=["a"], images=["a"], scales=[1.0]),
    dict(case="i2i_euler_a", sampler="euler_a", seed=107, steps=10, cfg=7.5, nets=["a"], images=["a"], scales=[0.8],
         strength=0.6),
    dict(case="i2i_two_nets_dpmpp_2m_karras", sampler="dpmpp_2m_karras", seed=111, steps=10, cfg=6.0,
         nets=["a", "b"], images=["b", "a"], scales=[0.6, 0.9], starts=[0.0, 0.3], ends=[0.8, 1.0], strength=0.75),
    dict(case="a1111_prompt_euler_a", sampler="euler_a", seed=108, steps=8, cfg=7.5, nets=["a"], images=["a"],
         scales=[1.0], mode="prompt"),
    dict(case="a1111_control_ddim", sampler="ddim", seed=109, steps=8, cfg=7.5, nets=["a"], images=["a"],
         scales=[0.9], mode="control"),
]


def make_controlnet(unet, name, seed):
    """A tiny ControlNet for the tiny UNet, every weight redrawn, saved as a diffusers folder."""
    torch.manual_seed(0)
    net = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(4, 8, 8, 16))
    randomize(net, seed)
    folder = os.path.join(OUT, f"ControlPipeline_net_{name}")
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    net.save_config(folder)
    write_safetensors(os.path.join(folder, "diffusion_pytorch_model.safetensors"),
                      {k: v.detach().contiguous() for k, v in net.state_dict().items()}, {"format": "pt"})
    return ControlNetModel.from_pretrained(folder).eval()


def condition_images():
    a = Image.new("RGB", (64, 64), "black")
    draw = ImageDraw.Draw(a)
    draw.rectangle((10, 30, 40, 58), outline="white", width=2)
    draw.line((6, 30, 25, 8, 44, 30), fill="white", width=2)
    draw.ellipse((44, 6, 60, 22), outline="white", width=2)
    draw.line((0, 60, 63, 60), fill="white", width=1)
    b = Image.new("RGB", (80, 56), (20, 40, 90))
    draw = ImageDraw.Draw(b)
    draw.ellipse((8, 4, 52, 48), fill=(230, 180, 40))
    draw.polygon([(40, 50), (76, 10), (78, 54)], fill=(200, 30, 60))
    draw.line((0, 0, 79, 55), fill=(255, 255, 255), width=3)
    for name, image in (("a", a), ("b", b)):
        image.save(os.path.join(OUT, f"ControlPipeline_cond_{name}.png"))
    return {name: Image.open(os.path.join(OUT, f"ControlPipeline_cond_{name}.png")).convert("RGB") for name in "ab"}


def soft_injection(net):
    """A copy of `net` whose residuals are scaled as the A1111 extension's soft injection: residual i of n times
    `conditioning_scale * 0.825 ** (n - 1 - i)` (A1111 hard-codes n = 13), in place of diffusers' uniform scale or
    guess mode's logspace. diffusers' pipeline still decides which halves of the batch the net sees."""
    original = net.forward

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale=1.0,
                guess_mode=False, **kwargs):
        down, mid = original(sample, timestep, encoder_hidden_states=encoder_hidden_states,
                             controlnet_cond=controlnet_cond, conditioning_scale=1.0, guess_mode=False,
                             return_dict=False)
        residuals = list(down) + [mid]
        n = len(residuals)
        scaled = [r * float(conditioning_scale * 0.825 ** (n - 1 - i)) for i, r in enumerate(residuals)]
        return scaled[:-1], scaled[-1]

    net.forward = types.MethodType(forward, net)
    return net


def main():
    base = StableDiffusionPipeline.from_pretrained(PIPELINE, safety_checker=None, requires_safety_checker=False)
    base.set_progress_bar_config(disable=True)
    nets = {"a": make_controlnet(base.unet, "a", 41), "b": make_controlnet(base.unet, "b", 42)}
    conditions = condition_images()
    init = Image.open(os.path.join(OUT, "Pipeline_init.png")).convert("RGB")
    components = dict(vae=base.vae, text_encoder=base.text_encoder, tokenizer=base.tokenizer, unet=base.unet,
                      safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    cases, latents = [], {}
    for case in CASES:
        mode = case.get("mode", "balanced")
        chosen = [nets[n] for n in case["nets"]]
        if mode in ("prompt", "control"):
            chosen = [soft_injection(ControlNetModel.from_pretrained(os.path.join(OUT, f"ControlPipeline_net_{n}")))
                      for n in case["nets"]]
        controlnet = chosen[0] if len(chosen) == 1 else chosen
        images = [conditions[n] for n in case["images"]]
        scheduler = SAMPLERS[case["sampler"]](base.scheduler.config)
        captured = {}

        def capture(pipeline, step, timestep, tensors):
            captured["latents"] = tensors["latents"][0].clone()
            return tensors

        common = dict(prompt=PROMPT, negative_prompt=case.get("negative") or None, num_inference_steps=case["steps"],
                      guidance_scale=case["cfg"], generator=torch.Generator("cpu").manual_seed(case["seed"]),
                      output_type="np", callback_on_step_end=capture, width=64, height=64,
                      controlnet_conditioning_scale=case["scales"] if len(chosen) > 1 else case["scales"][0],
                      control_guidance_start=case.get("starts", [0.0] * len(chosen)),
                      control_guidance_end=case.get("ends", [1.0] * len(chosen)),
                      guess_mode=mode in ("guess", "control"))
        if "strength" in case:
            runner = StableDiffusionControlNetImg2ImgPipeline(controlnet=controlnet, scheduler=scheduler, **components)
            runner.set_progress_bar_config(disable=True)
            out = runner(image=init, control_image=images if len(images) > 1 else images[0],
                         strength=case["strength"], **common).images
        else:
            runner = StableDiffusionControlNetPipeline(controlnet=controlnet, scheduler=scheduler, **components)
            runner.set_progress_bar_config(disable=True)
            out = runner(image=images if len(images) > 1 else images[0], **common).images
        to_png(out, os.path.join(OUT, f"ControlPipeline_{case['case']}.png"))
        latents[f"{case['case']}.latents"] = captured["latents"]

        # How far the control moves the image: the same call without ControlNet (the control's effect must stand
        # well above the tests' 1-level tolerance).
        plain_args = {k: v for k, v in common.items() if not k.startswith(("controlnet", "control_", "guess"))}
        plain_args["generator"] = torch.Generator("cpu").manual_seed(case["seed"])
        plain_args.pop("callback_on_step_end")
        if "strength" in case:
            from diffusers import StableDiffusionImg2ImgPipeline
            plain = StableDiffusionImg2ImgPipeline(scheduler=scheduler, **components)
            plain.set_progress_bar_config(disable=True)
            uncontrolled = plain(image=init, strength=case["strength"], **plain_args).images
        else:
            plain = StableDiffusionPipeline(scheduler=scheduler, **components)
            plain.set_progress_bar_config(disable=True)
            uncontrolled = plain(**plain_args).images
        effect = float(np.abs((out[0] * 255).round() - (uncontrolled[0] * 255).round()).mean())
        cases.append(dict(case, mode=mode, negative=case.get("negative", ""), width=64, height=64,
                          starts=case.get("starts", [0.0] * len(chosen)), ends=case.get("ends", [1.0] * len(chosen)),
                          control_effect=round(effect, 2)))
        print(f"{case['case']}: mean {float(out.mean()):.4f}, control moves the image by {effect:.1f} levels")
    save_fixture("EaselTestSupport", "ControlPipeline_latents", latents)
    with open(os.path.join(OUT, "ControlPipeline_cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs
                if "ControlPipeline" in os.path.join(d, f))
    print(f"ControlNet pipeline fixtures: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
