"""Fixtures for EaselDiffusion's schedulers: diffusers 0.42.1 run step by step on a fake model.

Run from the repository root:  .venv-ref/bin/python Tests/Reference/make_scheduler_fixtures.py

Every scheduler is built the way a pipeline swaps it in: `XScheduler.from_config(pndm.config, **extra)` where
`pndm` is the PNDMScheduler of the SD 1.5 `scheduler/scheduler_config.json` (written next to the fixture as
Scheduler_sd15_scheduler_config.json, which the Swift test decodes). Keys the config lacks take each class's
own defaults (timestep_spacing "leading" for DDIM/PNDM, "linspace" for the others).

The fake model is `eps = 0.1 * x + (t / 1000) * pattern` on the model input x (the scheduler-scaled sample),
computed in float32 torch ops that the Swift test repeats exactly. For each case the file holds
  <case>.timesteps, <case>.sigmas (Euler and DPM only), <case>.init_noise_sigma,
  <case>.start (the first latents: noise * init_noise_sigma, or add_noise(x0, noise, t0) for img2img),
  <case>.steps [n, 1, 4, 4, 4]: the sample after each step.
Inputs: `noise` (the initial latents' noise), `pattern`, `x0` (the clean img2img latents), `ancestral_noise`
[50, 1, 4, 4, 4]: the noise Euler a draws, in order, one per step (the Swift test replays it through a
RandomSource). Case parameters are in the metadata: "cases" (comma list), "<case>.scheduler",
"<case>.karras", "<case>.steps_count", "<case>.strength" (0 for text-to-image).
"""
import json
import os
import sys

import numpy as np
import torch

import diffusers
from diffusers import (
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
    PNDMScheduler,
)
import diffusers.schedulers.scheduling_euler_ancestral_discrete as euler_a_module

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import fixtures_dir, randn, save_fixture  # noqa: E402

TARGET = "EaselDiffusionTests"
SHAPE = (1, 4, 4, 4)

# runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json, as published.
SD15_SCHEDULER_CONFIG = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
    "clip_sample": False,
}

SCHEDULERS = {
    "ddim": (DDIMScheduler, {}),
    "pndm": (PNDMScheduler, {}),
    "euler": (EulerDiscreteScheduler, {}),
    "euler_karras": (EulerDiscreteScheduler, {"use_karras_sigmas": True}),
    "euler_a": (EulerAncestralDiscreteScheduler, {}),
    "dpmpp_2m": (DPMSolverMultistepScheduler, {}),
    "dpmpp_2m_karras": (DPMSolverMultistepScheduler, {"use_karras_sigmas": True}),
}
TEXT_TO_IMAGE_STEPS = [1, 4, 20, 25, 50]
IMAGE_TO_IMAGE = [(20, 0.5), (25, 0.75), (50, 0.3)]


class NoiseBank:
    """Stands in for diffusers' randn_tensor inside the Euler a module: hands out the stored noise in order."""

    def __init__(self, noise):
        self.noise = noise
        self.next = 0

    def __call__(self, shape, generator=None, device=None, dtype=None, layout=None):
        assert tuple(shape) == SHAPE
        out = self.noise[self.next].clone()
        self.next += 1
        return out


def fake_model(x, t, pattern):
    t32 = torch.as_tensor(t).to(torch.float32)
    return 0.1 * x + (t32 / 1000.0) * pattern


# Other configs, for the paths the SD 1.5 config does not take: every class's own defaults (linear betas,
# no steps_offset; DDIM clips x0 and sets alpha to one), PNDM still in PLMS mode; and a cosine schedule.
OTHER_CONFIGS = {
    "defaults": {"skip_prk_steps": True},
    "cosine": {"beta_schedule": "squaredcos_cap_v2", "skip_prk_steps": True},
}
SPACINGS = ["linspace", "leading", "trailing"]
SPACING_STEPS = [1, 3, 7, 10, 30]


def make_scheduler(name, config=None, **overrides):
    cls, extra = SCHEDULERS[name]
    pndm = PNDMScheduler.from_config(config if config is not None else SD15_SCHEDULER_CONFIG)
    return cls.from_config(pndm.config, **extra, **overrides)


def run_case(name, steps, strength, inputs, bank, config=None):
    scheduler = make_scheduler(name, config)
    scheduler.set_timesteps(steps)
    out = {"timesteps": scheduler.timesteps.to(torch.float32)}
    if hasattr(scheduler, "sigmas") and name not in ("ddim", "pndm"):
        out["sigmas"] = scheduler.sigmas.to(torch.float32)
    init_sigma = scheduler.init_noise_sigma
    out["init_noise_sigma"] = torch.as_tensor(init_sigma, dtype=torch.float32).reshape(1)
    timesteps = scheduler.timesteps
    if strength == 0:
        latents = inputs["noise"] * init_sigma
    else:
        # StableDiffusionImg2ImgPipeline.get_timesteps, then prepare_latents' add_noise at timesteps[:1].
        init_timestep = min(int(steps * strength), steps)
        t_start = max(steps - init_timestep, 0)
        timesteps = scheduler.timesteps[t_start * scheduler.order:]
        if hasattr(scheduler, "set_begin_index"):
            scheduler.set_begin_index(t_start * scheduler.order)
        latents = scheduler.add_noise(inputs["x0"], inputs["noise"], timesteps[:1].repeat(1))
        out["tail_timesteps"] = timesteps.to(torch.float32)
    out["start"] = latents.clone()
    bank.next = 0
    results = []
    for t in timesteps:
        model_input = scheduler.scale_model_input(latents, t)
        eps = fake_model(model_input, t, inputs["pattern"])
        latents = scheduler.step(eps, t, latents, return_dict=False)[0]
        results.append(latents.clone())
    out["steps"] = torch.stack(results)
    return out


def main():
    assert diffusers.__version__ == "0.42.1", diffusers.__version__
    inputs = {
        "noise": randn(*SHAPE, seed=11),
        "pattern": randn(*SHAPE, seed=12),
        "x0": randn(*SHAPE, seed=13, scale=0.5),
    }
    ancestral = randn(50, *SHAPE, seed=14)
    bank = NoiseBank(ancestral)
    euler_a_module.randn_tensor = bank

    tensors = dict(inputs)
    tensors["ancestral_noise"] = ancestral
    metadata = {"diffusers_version": diffusers.__version__, "torch_version": torch.__version__}
    cases = []
    # The schedule tables every scheduler starts from.
    ddim = make_scheduler("ddim")
    tensors["betas"] = ddim.betas
    tensors["alphas_cumprod"] = ddim.alphas_cumprod
    for name in SCHEDULERS:
        runs = [(n, 0.0) for n in TEXT_TO_IMAGE_STEPS] + IMAGE_TO_IMAGE
        for steps, strength in runs:
            case = f"{name}_{steps}" if strength == 0 else f"{name}_{steps}_img2img_{int(strength * 100)}"
            for key, value in run_case(name, steps, strength, inputs, bank).items():
                tensors[f"{case}.{key}"] = value
            metadata[f"{case}.scheduler"] = name
            metadata[f"{case}.steps_count"] = steps
            metadata[f"{case}.strength"] = strength
            cases.append(case)
    for config_name, config in OTHER_CONFIGS.items():
        tensors[f"{config_name}.alphas_cumprod"] = make_scheduler("ddim", config).alphas_cumprod
        for name in SCHEDULERS:
            if config_name == "cosine" and name == "dpmpp_2m_karras":
                # diffusers truncates the unrounded Karras timesteps of a cosine schedule to int64; the first
                # repeats, index_for_timestep then starts at 1 and the last step indexes past the sigmas.
                continue
            case = f"{config_name}_{name}_10"
            for key, value in run_case(name, 10, 0.0, inputs, bank, config).items():
                tensors[f"{case}.{key}"] = value
            metadata[f"{case}.scheduler"] = name
            metadata[f"{case}.steps_count"] = 10
            metadata[f"{case}.strength"] = 0.0
            metadata[f"{case}.config"] = json.dumps(config, sort_keys=True)
            cases.append(case)
    metadata["cases"] = cases

    # Timestep spacings the SD 1.5 config does not pick, schedules only.
    spacing_cases = []
    for name in SCHEDULERS:
        for spacing in SPACINGS:
            for steps in SPACING_STEPS:
                scheduler = make_scheduler(name, timestep_spacing=spacing)
                scheduler.set_timesteps(steps)
                case = f"spacing_{name}_{spacing}_{steps}"
                tensors[f"{case}.timesteps"] = scheduler.timesteps.to(torch.float32)
                if name not in ("ddim", "pndm"):
                    tensors[f"{case}.sigmas"] = scheduler.sigmas.to(torch.float32)
                tensors[f"{case}.init_noise_sigma"] = torch.as_tensor(
                    scheduler.init_noise_sigma, dtype=torch.float32).reshape(1)
                metadata[f"{case}.scheduler"] = name
                metadata[f"{case}.spacing"] = spacing
                metadata[f"{case}.steps_count"] = steps
                spacing_cases.append(case)
    metadata["spacing_cases"] = spacing_cases
    save_fixture(TARGET, "Scheduler_steps", tensors, metadata)

    path = os.path.join(fixtures_dir(TARGET), "Scheduler_sd15_scheduler_config.json")
    with open(path, "w") as f:
        json.dump(SD15_SCHEDULER_CONFIG, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
