"""Writes the fixtures of the UNet tests (diffusers `UNet2DConditionModel`, Tests/EaselDiffusionTests/UNet*).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_unet_fixtures.py

Writes under Tests/EaselDiffusionTests/Fixtures/:
- UNet_sd1/: an SD 1.x-like UNet as a diffusers `unet/` folder (config.json + diffusion_pytorch_model.safetensors):
  3 levels (CrossAttn, CrossAttn, plain DownBlock2D), 1x1-conv proj_in/proj_out, heads from `attention_head_dim`
  (an int), one resnet per down block, SD's time embedding (flip_sin_to_cos, freq_shift 0).
- UNet_sd2/: an SD 2.x-like UNet laid out as a pipeline folder (model_index.json + unet/): linear projections,
  `attention_head_dim` a per-level list (so the up path's reversed heads matter), `transformer_layers_per_block`
  [2, 1, 1], two resnets per down block, `upcast_attention` true (no effect in float32), 5 input and 3 output
  channels, and the other sinusoid convention (flip_sin_to_cos false, freq_shift 1).
- UNet_variants/: a 2-level `unet/` folder with the less common settings (see VARIANTS below).
- UNet_outputs.safetensors: per case, the inputs (`sample`, `encoder_hidden_states`, control residuals) and the
  reference `output`, plus the time embedding's intermediate values (`time_proj`, `time_embedding`) for the first
  case of each model. The timestep is in the metadata (`<case>.timestep`) as Python prints it. Cases:
  - sd1_t999: batch 2, 8x8 latents, integer timestep 999;
  - sd1_fractional: batch 2, timestep 123.456 (diffusers rounds it to float32 in `get_timestep_embedding`);
  - sd1_control: batch 2 with `down_block_additional_residuals` / `mid_block_additional_residual`;
  - sd2_odd: batch 2, 9x7 latents (the up path interpolates to the skip tensors' odd sizes), timestep 251;
  - variants_odd: the UNet_variants/ folder (see VARIANTS), batch 2, 7x5 latents, timestep 77;
  - ldm_sd1: the UNet of Conversion_sd1_ldm.safetensors (written by make_conversion_fixtures.py), converted by
    diffusers' own `convert_ldm_unet_checkpoint` into the tiny model's config, batch 2, 8x8, timestep 640.

Every parameter is drawn at random with unit-scale outputs (convs and linears ~ N(0, 1/fan_in), biases ~ N(0, 0.1^2),
norm weights ~ 1 + N(0, 0.2^2), norm biases ~ N(0, 0.2^2)), so a swapped norm, a missing bias or a zero-initialised
layer shows. References come from the model in float64 (model.double() on the stored float32 weights, inputs
widened) and are rounded once to float32; diffusers computes the sinusoidal time projection in float32 whatever
the model's dtype, so that part of the reference is float32 by construction. Weights are written with sorted keys so
that a rerun reproduces every file byte for byte.
"""
import json
import os
import sys

import torch
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir, randn, save_fixture, write_safetensors  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from diffusers import UNet2DConditionModel  # noqa: E402
from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint  # noqa: E402

torch.set_num_threads(2)
TARGET = "EaselDiffusionTests"
OUT = fixtures_dir(TARGET)

SD1 = dict(
    sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8, 16, 16), layers_per_block=1,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=12, attention_head_dim=2, norm_num_groups=4)

SD2 = dict(
    sample_size=8, in_channels=5, out_channels=3, block_out_channels=(8, 16, 16), layers_per_block=2,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=16, attention_head_dim=(1, 2, 4), use_linear_projection=True,
    transformer_layers_per_block=(2, 1, 1), norm_num_groups=4, upcast_attention=True,
    flip_sin_to_cos=False, freq_shift=1)

# The less common settings SD-family configs may carry, on two levels: input centring, conv_in/conv_out kernels
# 5 and 1, downsample_padding 0 (the (0, 1, 0, 1) pad before a padding-free conv), a per-level layers_per_block
# (reversed on the up path), a time embedding width other than 4x, and norm_eps 1e-3 (large enough to show if it
# reached the transformers' norms, which keep 1e-6 / 1e-5).
VARIANTS = dict(
    sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8, 8), layers_per_block=(1, 2),
    down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=8, attention_head_dim=2, norm_num_groups=4, norm_eps=1e-3, center_input_sample=True,
    conv_in_kernel=5, conv_out_kernel=1, downsample_padding=0, time_embedding_dim=24)

# The UNet of make_conversion_fixtures.py's tiny_unet(), whose LDM form is Conversion_sd1_ldm.safetensors.
LDM_SD1 = dict(
    sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 8, 8), layers_per_block=2,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=8, attention_head_dim=2, norm_num_groups=2)


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            n = torch.randn(p.shape, generator=g, dtype=torch.float32)
            is_norm = p.ndim == 1 and ("norm" in name.split(".")[-2])
            if is_norm and name.endswith("weight"):
                p.copy_(1 + 0.2 * n)
            elif is_norm:
                p.copy_(0.2 * n)
            elif name.endswith("bias"):
                p.copy_(0.1 * n)
            else:
                p.copy_(n / (p[0].numel() ** 0.5))
    return model


def write_unet_folder(model, folder):
    os.makedirs(folder, exist_ok=True)
    config = {k: v for k, v in model.config.items() if not k.startswith("_")}
    config = {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.42.1", **config}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    write_safetensors(os.path.join(folder, "diffusion_pytorch_model.safetensors"),
                      {k: v.float() for k, v in model.state_dict().items()}, {"format": "pt"})
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print(f"wrote {os.path.relpath(folder, ROOT)}/ ({size / 1e3:.1f} kB)")


def run(model, sample, timestep, context, control=None):
    """The float64 reference output, and how far torch's own float32 run is from it (printed)."""
    kwargs = {}
    if control is not None:
        down, mid = control
        kwargs = dict(down_block_additional_residuals=[d.double() for d in down],
                      mid_block_additional_residual=mid.double())
    with torch.no_grad():
        out64 = model.double()(sample.double(), timestep, context.double(), **kwargs).sample
        if control is not None:
            kwargs = dict(down_block_additional_residuals=list(down), mid_block_additional_residual=mid)
        out32 = model.float()(sample, timestep, context, **kwargs).sample.double()
    error = float((out32 - out64).abs().max() / out64.abs().max())
    return out64, error


def time_references(model, batch, timestep, prefix):
    with torch.no_grad():
        model.double()
        sample = torch.zeros(batch, model.config.in_channels, 1, 1, dtype=torch.float64)
        t_emb = model.get_time_embed(sample=sample, timestep=timestep)
        emb = model.time_embedding(t_emb)
        model.float()
    return {prefix + "time_proj": t_emb, prefix + "time_embedding": emb}


def add_case(out, metadata, name, model, sample, timestep, context, control=None):
    reference, error = run(model, sample, timestep, context, control)
    out[name + ".sample"] = sample
    out[name + ".encoder_hidden_states"] = context
    out[name + ".output"] = reference
    if control is not None:
        down, mid = control
        for i, d in enumerate(down):
            out[name + f".control_down_{i}"] = d
        out[name + ".control_mid"] = mid
        metadata[name + ".control_down_count"] = len(down)
    metadata[name + ".timestep"] = repr(timestep)
    print(f"{name}: torch float32 vs float64 max rel error {error:.2e}, output scale "
          f"{float(reference.abs().max()):.2f}")


def control_residuals(model, sample, seed):
    """Random residuals shaped as the down path's skip tensors and the mid block's output."""
    shapes = []
    with torch.no_grad():
        h = model.conv_in(sample)
        shapes.append(h.shape)
        size = h.shape[-2:]
        for i, block in enumerate(model.down_blocks):
            channels = model.config.block_out_channels[i]
            shapes += [(sample.shape[0], channels, *size)] * len(block.resnets)
            if block.downsamplers is not None:
                size = ((size[0] + 1) // 2, (size[1] + 1) // 2)
                shapes.append((sample.shape[0], channels, *size))
    mid = (sample.shape[0], model.config.block_out_channels[-1], *size)
    down = [randn(*s, seed=seed + i) for i, s in enumerate(shapes)]
    return down, randn(*mid, seed=seed + 100)


def ldm_unet():
    """Conversion_sd1_ldm.safetensors' UNet through diffusers' converter into the tiny config."""
    path = os.path.join(OUT, "Conversion_sd1_ldm.safetensors")
    with safe_open(path, "pt") as f:
        checkpoint = {k: f.get_tensor(k) for k in f.keys()}
    model = UNet2DConditionModel(**LDM_SD1).eval()
    converted = convert_ldm_unet_checkpoint(checkpoint, model.config)
    model.load_state_dict({k: v.float() for k, v in converted.items()}, strict=True)
    return model


def main():
    out, metadata = {}, {}

    sd1 = randomize(UNet2DConditionModel(**SD1).eval(), seed=11)
    write_unet_folder(sd1, os.path.join(OUT, "UNet_sd1"))
    context = randn(2, 5, 12, seed=21)
    sample = randn(2, 4, 8, 8, seed=22)
    add_case(out, metadata, "sd1_t999", sd1, sample, 999, context)
    out.update(time_references(sd1, 2, 999, "sd1_t999."))
    add_case(out, metadata, "sd1_fractional", sd1, randn(2, 4, 8, 8, seed=23), 123.456, context)
    sample = randn(2, 4, 8, 8, seed=24)
    add_case(out, metadata, "sd1_control", sd1, sample, 500, context, control_residuals(sd1, sample, seed=300))

    sd2 = randomize(UNet2DConditionModel(**SD2).eval(), seed=12)
    pipeline = os.path.join(OUT, "UNet_sd2")
    os.makedirs(pipeline, exist_ok=True)
    with open(os.path.join(pipeline, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.42.1",
                   "unet": ["diffusers", "UNet2DConditionModel"]}, f, indent=2)
        f.write("\n")
    write_unet_folder(sd2, os.path.join(pipeline, "unet"))
    add_case(out, metadata, "sd2_odd", sd2, randn(2, 5, 9, 7, seed=25), 251, randn(2, 6, 16, seed=26))
    out.update(time_references(sd2, 2, 251, "sd2_odd."))

    variants = randomize(UNet2DConditionModel(**VARIANTS).eval(), seed=13)
    write_unet_folder(variants, os.path.join(OUT, "UNet_variants"))
    add_case(out, metadata, "variants_odd", variants, randn(2, 4, 7, 5, seed=29), 77, randn(2, 4, 8, seed=30))

    ldm = ldm_unet()
    add_case(out, metadata, "ldm_sd1", ldm, randn(2, 4, 8, 8, seed=27), 640, randn(2, 3, 8, seed=28))

    save_fixture(TARGET, "UNet_outputs", out, metadata)


if __name__ == "__main__":
    main()
