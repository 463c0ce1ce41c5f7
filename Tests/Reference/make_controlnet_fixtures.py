"""Writes the fixtures of the ControlNet tests (diffusers `ControlNetModel`, Tests/EaselDiffusionTests/ControlNet*).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_controlnet_fixtures.py
(make_conversion_fixtures.py must have written Conversion_controlnet_ldm.safetensors first).

Writes under Tests/EaselDiffusionTests/Fixtures/:
- ControlNet_sd1/: an SD 1.x-like ControlNet as a diffusers controlnet folder (config.json +
  diffusion_pytorch_model.safetensors): 4 levels (CrossAttn x3 + DownBlock2D) of 2 resnets, so 12 down residuals
  and the mid one (13, as SD 1.5), conditioning embedding (4, 4, 8, 8) (three stride-2 convs: condition = latents x 8).
- ControlNet_sd1_unet/: the UNet2DConditionModel with the same encoder settings, to take ControlNet_sd1's residuals.
- ControlNet_sd2/: an SD 2.x-like ControlNet, weights only as the fp16 variant
  (diffusion_pytorch_model.fp16.safetensors, fp16-exact values): linear projections, per-level heads,
  2 transformer layers on the first level, upcast_attention, the other sinusoid convention (flip_sin_to_cos false,
  freq_shift 1) and global_pool_conditions true (residuals averaged over H, W, as the shuffle ControlNet).
- ControlNet_outputs.safetensors: inputs (`<set>.sample`, `.encoder_hidden_states`, `.condition`, condition in
  [0, 1]) and per case the reference residuals `<case>.down_<i>`, `<case>.mid`; metadata `<case>.inputs` (the input
  set), `.timestep`, `.conditioning_scale`, `.guess_mode`, `.down_count`. Also `logspace`: torch.logspace(-1, 0, 13)
  as torch computes it in float32 (the guess-mode scales). Cases:
  - sd1_scale: batch 2, 8x8 latents, timestep 999, conditioning_scale 0.7;
  - sd1_guess: the same inputs, timestep 37, guess mode with conditioning_scale 0.8 (residual i x logspace[i] x 0.8);
  - sd1_soft: the same inputs, timestep 999, diffusers' residuals at scale 1 times `sd1_soft.scales` (A1111's
    "My prompt is more important": weight 0.9 x 0.825^(12 - i)), computed in float64 from the float32 scales;
  - sd2_pool: batch 2, 5x7 latents (40x56 condition), timestep 251, conditioning_scale 1.3, pooled;
  - sd2_pool_guess: the same inputs, guess mode with scale 0.6 (pooling overrides the logspace scales);
  - ldm: Conversion_controlnet_ldm.safetensors converted by diffusers' `convert_controlnet_checkpoint` into its
    tiny config (make_conversion_fixtures.py tiny_controlnet()), batch 2, 8x8 latents, timestep 640, scale 1.
  - multi: diffusers' MultiControlNetModel([sd1, sd1]) on the sd1 inputs with conditions [sd1.condition,
    multi.condition_1] and conditioning scales [0.7, 0.4], timestep 999: the two nets' residuals summed.
  - unet_control.output: ControlNet_sd1_unet's output on the sd1 inputs at timestep 999 with sd1_scale's residuals
    as `down_block_additional_residuals` / `mid_block_additional_residual`.

Every parameter is drawn at random with unit-scale outputs (as make_unet_fixtures.py: convs and linears
~ N(0, 1/fan_in), biases ~ N(0, 0.1^2), norm weights ~ 1 + N(0, 0.2^2), norm biases ~ N(0, 0.2^2)); in particular the
zero-initialised convolutions (conditioning embedding conv_out, controlnet_down_blocks, controlnet_mid_block) are
re-randomised, or the control path would never be exercised. References come from the models in float64
(model.double() on the stored weights) rounded once to float32. Files are written with sorted keys so a rerun
reproduces them byte for byte.
"""
import json
import os
import struct
import sys

import torch
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir, randn, save_fixture, write_safetensors  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from diffusers import ControlNetModel, UNet2DConditionModel  # noqa: E402
from diffusers.models.controlnets.multicontrolnet import MultiControlNetModel  # noqa: E402
from diffusers.loaders.single_file_utils import convert_controlnet_checkpoint  # noqa: E402

torch.set_num_threads(2)
TARGET = "EaselDiffusionTests"
OUT = fixtures_dir(TARGET)

ENCODER_SD1 = dict(
    in_channels=4, block_out_channels=(4, 8, 8, 8), layers_per_block=2,
    down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
    cross_attention_dim=8, attention_head_dim=2, norm_num_groups=2)
SD1 = dict(**ENCODER_SD1, conditioning_embedding_out_channels=(4, 4, 8, 8))
SD1_UNET = dict(**ENCODER_SD1, sample_size=8, out_channels=4,
                up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3)

SD2 = dict(
    in_channels=4, block_out_channels=(8, 16, 16), layers_per_block=1,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    cross_attention_dim=16, attention_head_dim=(1, 2, 4), use_linear_projection=True,
    transformer_layers_per_block=(2, 1, 1), upcast_attention=True, flip_sin_to_cos=False, freq_shift=1,
    norm_num_groups=4, conditioning_embedding_out_channels=(4, 8, 8, 16), global_pool_conditions=True)

# make_conversion_fixtures.py tiny_controlnet(), whose LDM form is Conversion_controlnet_ldm.safetensors.
LDM = dict(
    in_channels=4, conditioning_channels=3, block_out_channels=(4, 8, 8), layers_per_block=2,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    cross_attention_dim=8, attention_head_dim=2, norm_num_groups=2, conditioning_embedding_out_channels=(2, 2, 4, 4))


def randomize(model, seed, fp16_exact=False):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            n = torch.randn(p.shape, generator=g, dtype=torch.float32)
            is_norm = p.ndim == 1 and ("norm" in name.split(".")[-2])
            if is_norm and name.endswith("weight"):
                value = 1 + 0.2 * n
            elif is_norm:
                value = 0.2 * n
            elif name.endswith("bias"):
                value = 0.1 * n
            else:
                value = n / (p[0].numel() ** 0.5)
            p.copy_(value.half().float() if fp16_exact else value)
    return model


def write_f16(path, tensors, metadata):
    """fixture_util.write_safetensors for F16 tensors (a diffusers fp16 variant file)."""
    write_safetensors(path, {k: v.half() for k, v in tensors.items()}, metadata, keep_dtypes=True)

def write_folder(model, folder, class_name, fp16_variant=False):
    os.makedirs(folder, exist_ok=True)
    config = {k: v for k, v in model.config.items() if not k.startswith("_")}
    config = {"_class_name": class_name, "_diffusers_version": "0.42.1", **config}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    state = {k: v.float() for k, v in model.state_dict().items()}
    if fp16_variant:
        write_f16(os.path.join(folder, "diffusion_pytorch_model.fp16.safetensors"),
                  {k: v.half() for k, v in state.items()}, {"format": "pt"})
    else:
        write_safetensors(os.path.join(folder, "diffusion_pytorch_model.safetensors"), state, {"format": "pt"})
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print(f"wrote {os.path.relpath(folder, ROOT)}/ ({size / 1e3:.1f} kB)")


def run(model, inputs, timestep, scale, guess):
    """diffusers' residuals in float64, and how far torch's own float32 run is from them (printed)."""
    sample, context, condition = inputs
    with torch.no_grad():
        down64, mid64 = model.double()(sample.double(), timestep, context.double(), condition.double(),
                                       conditioning_scale=scale, guess_mode=guess, return_dict=False)
        down32, mid32 = model.float()(sample, timestep, context, condition,
                                      conditioning_scale=scale, guess_mode=guess, return_dict=False)
    error = max(float((a.double() - b).abs().max() / b.abs().max()) for a, b in zip([*down32, mid32], [*down64, mid64]))
    return list(down64), mid64, error


def add_inputs(out, name, batch, channels, height, width, tokens, width_ctx, seed):
    sample = randn(batch, channels, height, width, seed=seed)
    context = randn(batch, tokens, width_ctx, seed=seed + 1)
    # A condition image in [0, 1], as pipelines give it (no normalisation).
    g = torch.Generator().manual_seed(seed + 2)
    condition = torch.rand(batch, 3, 8 * height, 8 * width, generator=g, dtype=torch.float32)
    out[name + ".sample"], out[name + ".encoder_hidden_states"], out[name + ".condition"] = sample, context, condition
    return sample, context, condition


def add_case(out, metadata, name, model, inputs_name, inputs, timestep, scale=1.0, guess=False, scales=None):
    down, mid, error = run(model, inputs, timestep, 1.0 if scales is not None else scale, guess)
    if scales is not None:
        # Per-residual scales (A1111 control modes): float32 factors applied to diffusers' unscaled residuals.
        down = [d * float(s) for d, s in zip(down, scales[:-1])]
        mid = mid * float(scales[-1])
        out[name + ".scales"] = scales
    for i, d in enumerate(down):
        out[f"{name}.down_{i}"] = d
    out[name + ".mid"] = mid
    metadata.update({f"{name}.inputs": inputs_name, f"{name}.timestep": repr(timestep),
                     f"{name}.conditioning_scale": repr(scale), f"{name}.guess_mode": str(guess).lower(),
                     f"{name}.down_count": len(down)})
    print(f"{name}: {len(down)} down residuals + mid, torch float32 vs float64 max rel error {error:.2e}, "
          f"scale {max(float(t.abs().max()) for t in [*down, mid]):.2f}")
    return down, mid


def write_pth_copy():
    """ControlNet_v11.pth: the tensors of Conversion_controlnet_ldm.safetensors as torch.save writes a ControlNet
    v1.1 .pth (a plain state dict, zip layout), so the pickle path must give the same net as the safetensors one."""
    with safe_open(os.path.join(OUT, "Conversion_controlnet_ldm.safetensors"), "pt") as f:
        state = {k: f.get_tensor(k) for k in sorted(f.keys())}
    path = os.path.join(OUT, "ControlNet_v11.pth")
    torch.save(state, path)
    print(f"wrote {os.path.basename(path)} ({os.path.getsize(path) / 1e3:.1f} kB)")


def ldm_controlnet():
    """Conversion_controlnet_ldm.safetensors through diffusers' converter into the tiny config."""
    path = os.path.join(OUT, "Conversion_controlnet_ldm.safetensors")
    with safe_open(path, "pt") as f:
        checkpoint = {k: f.get_tensor(k) for k in f.keys()}
    model = ControlNetModel(**LDM).eval()
    converted = convert_controlnet_checkpoint(checkpoint, model.config)
    model.load_state_dict({k: v.float() for k, v in converted.items()}, strict=True)
    return model


def main():
    out, metadata = {}, {}
    out["logspace"] = torch.logspace(-1, 0, 13)

    sd1 = randomize(ControlNetModel(**SD1).eval(), seed=41)
    write_folder(sd1, os.path.join(OUT, "ControlNet_sd1"), "ControlNetModel")
    inputs = add_inputs(out, "sd1", 2, 4, 8, 8, 5, 8, seed=51)
    down, mid = add_case(out, metadata, "sd1_scale", sd1, "sd1", inputs, 999, scale=0.7)
    add_case(out, metadata, "sd1_guess", sd1, "sd1", inputs, 37, scale=0.8, guess=True)
    soft = torch.tensor([0.9 * 0.825 ** (12 - i) for i in range(13)], dtype=torch.float32)
    add_case(out, metadata, "sd1_soft", sd1, "sd1", inputs, 999, scales=soft)

    unet = randomize(UNet2DConditionModel(**SD1_UNET).eval(), seed=42)
    write_folder(unet, os.path.join(OUT, "ControlNet_sd1_unet"), "UNet2DConditionModel")
    with torch.no_grad():
        sample, context, _ = inputs
        output = unet.double()(sample.double(), 999, context.double(), down_block_additional_residuals=down,
                               mid_block_additional_residual=mid).sample
    out["unet_control.output"] = output
    print(f"unet_control: output scale {float(output.abs().max()):.2f}")

    # Two units on the same latents (one net twice: the sum is what is tested), each with its image and scale.
    g = torch.Generator().manual_seed(54)
    second = torch.rand(*inputs[2].shape, generator=g, dtype=torch.float32)
    out["multi.condition_1"] = second
    multi = MultiControlNetModel([sd1, sd1])
    with torch.no_grad():
        sample, context, condition = inputs
        down, mid = multi.double()(sample.double(), 999, context.double(), [condition.double(), second.double()],
                                   [0.7, 0.4], return_dict=False)
    for i, d in enumerate(down):
        out[f"multi.down_{i}"] = d
    out["multi.mid"] = mid
    metadata.update({"multi.inputs": "sd1", "multi.timestep": "999", "multi.conditioning_scales": "0.7,0.4",
                     "multi.down_count": len(down)})
    sd1.float()

    sd2 = randomize(ControlNetModel(**SD2).eval(), seed=43, fp16_exact=True)
    write_folder(sd2, os.path.join(OUT, "ControlNet_sd2"), "ControlNetModel", fp16_variant=True)
    inputs = add_inputs(out, "sd2", 2, 4, 5, 7, 6, 16, seed=61)
    add_case(out, metadata, "sd2_pool", sd2, "sd2", inputs, 251, scale=1.3)
    add_case(out, metadata, "sd2_pool_guess", sd2, "sd2", inputs, 251, scale=0.6, guess=True)

    ldm = ldm_controlnet()
    inputs = add_inputs(out, "ldm", 2, 4, 8, 8, 3, 8, seed=71)
    add_case(out, metadata, "ldm", ldm, "ldm", inputs, 640)
    write_pth_copy()

    save_fixture(TARGET, "ControlNet_outputs", out, metadata)


if __name__ == "__main__":
    main()
