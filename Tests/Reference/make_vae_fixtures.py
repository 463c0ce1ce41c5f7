"""Writes the fixtures of the VAE tests (diffusers 0.42.1 `AutoencoderKL`).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_vae_fixtures.py

Writes under Tests/EaselDiffusionTests/Fixtures/:
- VAE_two_level/: 2 levels (12, 16), 1 resnet per encoder level, 2 groups, 4 latent channels; a diffusers
  `vae/` folder (config.json from `save_pretrained`, weights rewritten with sorted keys).
- VAE_three_level/: 3 levels (8, 16, 24), 2 resnets per encoder level, 4 groups, 3 latent channels,
  sample_size 32 (so an 80x56 image is tiled: tile_latent_min_size 8).
- VAE_plain/: 2 levels (8, 8), no mid-block attention, no quant_conv / post_quant_conv, 1 group, 2 latent
  channels: the options SD does not use.
- VAE_outputs.safetensors: per model (`two_level.`, `three_level.`, `plain.`, and `ldm.` for the tiny VAE of
  Conversion_sd1_ldm.safetensors, loaded here from Conversion_reference.safetensors' `vae/` tensors):
  `image` (NCHW in [-1, 1]), `mean`, `logvar` (clamped), `std`, `noise` = torch.randn(mean.shape,
  generator=torch.Generator("cpu").manual_seed(seed)) in float32 (what DiagonalGaussianDistribution.sample
  draws), `sample`, `latents` (random decoder input) and `decoded` = vae.decode(latents).sample.
  For `three_level.` also `tiled_image` [1, 3, 80, 56] -> `tiled_mean`, `tiled_logvar` and `tiled_latents`
  [1, 3, 20, 14] -> `tiled_decoded`, with `enable_tiling()`; and `odd_image` [1, 3, 42, 26] (not multiples
  of 4: the downsamplers see 21x13) -> `odd_mean`, `odd_logvar`.
  Metadata: `<model>.seed` (the generator seed).

Every parameter is drawn at random (GroupNorm affines and the convolutions too) with unit-scale outputs, so a
wrong affine, a swapped norm or a missing bias shows. The two_level model's quant_conv bias of its second
logvar channel is lowered by 40 so that logvar there falls below -30 and the clamp is exercised.
References are computed by the model in float64 from the stored float32 weights and rounded once to float32;
the noise is drawn in float32 (as diffusers does for a float32 model) and widened.
"""
import copy
import json
import os
import struct
import sys
import tempfile

import torch
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir, save_fixture, write_safetensors  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from diffusers import AutoencoderKL  # noqa: E402

torch.set_num_threads(2)
OUT = fixtures_dir("EaselDiffusionTests")


def config(channels, layers, groups, latent, sample_size, **extra):
    levels = len(channels)
    return dict(in_channels=3, out_channels=3, block_out_channels=channels, layers_per_block=layers,
                down_block_types=("DownEncoderBlock2D",) * levels, up_block_types=("UpDecoderBlock2D",) * levels,
                norm_num_groups=groups, latent_channels=latent, sample_size=sample_size, **extra)


# name: (config, image shape, seed)
MODELS = {
    "two_level": (config((12, 16), 1, 2, 4, 16), (2, 3, 24, 18), 11),
    # odd latent sizes: 44x28 -> 11x7
    "three_level": (config((8, 16, 24), 2, 4, 3, 32), (1, 3, 44, 28), 12),
    "plain": (config((8, 8), 1, 1, 2, 16, mid_block_add_attention=False, use_quant_conv=False,
                     use_post_quant_conv=False), (1, 3, 10, 14), 13),
}

# The tiny VAE of make_conversion_fixtures.py (tiny_vae()), whose weights Conversion_reference.safetensors holds.
LDM_CONFIG = config((4, 8), 1, 2, 4, 16)
LDM_IMAGE = (1, 3, 12, 10)
LDM_SEED = 14


def randomize(model, seed):
    """Convolutions and linears ~ N(0, 1/fan_in), biases ~ N(0, 0.1), GroupNorm weight ~ 1 + N(0, 0.2) and
    bias ~ N(0, 0.1). diffusers' own init (norms 1/0, zero biases) would hide affine and bias mistakes."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            n = torch.randn(p.shape, generator=g, dtype=torch.float32)
            is_norm = "norm" in name.split(".")[-2]
            if is_norm and name.endswith("weight"):
                p.copy_(1 + 0.2 * n)
            elif name.endswith("bias"):
                p.copy_(0.1 * n)
            else:
                p.copy_(n / (p[0].numel() ** 0.5))


def write_weights(path, tensors):
    """safetensors with sorted keys, so a rerun reproduces the file byte for byte."""
    write_safetensors(path, tensors, {"format": "pt"})

def save_model(model, name):
    folder = os.path.join(OUT, "VAE_" + name)
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        with open(os.path.join(tmp, "config.json")) as f:
            config_text = f.read()
        with safe_open(os.path.join(tmp, "diffusion_pytorch_model.safetensors"), "pt") as f:
            weights = {k: f.get_tensor(k) for k in f.keys()}
    assert set(weights) == set(model.state_dict()), "save_pretrained wrote every tensor"
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(config_text)
    write_weights(os.path.join(folder, "diffusion_pytorch_model.safetensors"), weights)
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print(f"wrote {os.path.relpath(folder, ROOT)}/ ({size / 1e3:.1f} kB)")


def uniform_image(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g, dtype=torch.float32) * 2 - 1


def references(model, image, seed, prefix):
    """Encode / sample / decode in float64; checks that diffusers' float32 sample draws the noise assumed."""
    out = {prefix + "image": image}
    model64 = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        posterior = model64.encode(image.double()).latent_dist
        noise = torch.randn(posterior.mean.shape, generator=torch.Generator("cpu").manual_seed(seed), dtype=torch.float32)
        out[prefix + "mean"] = posterior.mean
        out[prefix + "logvar"] = posterior.logvar
        out[prefix + "std"] = posterior.std
        out[prefix + "noise"] = noise
        out[prefix + "sample"] = posterior.mean + posterior.std * noise.double()

        # diffusers' own float32 sample with the same generator seed draws exactly `noise`.
        posterior32 = model.encode(image).latent_dist
        sample32 = posterior32.sample(generator=torch.Generator("cpu").manual_seed(seed))
        assert torch.equal(sample32, posterior32.mean + posterior32.std * noise), "sample draws randn(mean.shape)"
        rel = float((posterior32.mean.double() - posterior.mean).abs().max() / posterior.mean.abs().max())
        print(f"{prefix} torch float32 vs float64 mean: max rel error {rel:.2e}")

        g = torch.Generator().manual_seed(seed + 1000)
        latents = torch.randn(posterior.mean.shape, generator=g, dtype=torch.float32)
        out[prefix + "latents"] = latents
        out[prefix + "decoded"] = model64.decode(latents.double()).sample
        decoded32 = model.decode(latents).sample.double()
        rel = float((decoded32 - out[prefix + "decoded"]).abs().max() / out[prefix + "decoded"].abs().max())
        print(f"{prefix} torch float32 vs float64 decode: max rel error {rel:.2e}")
    return out, model64


def tiled_references(model64, seed, prefix):
    """diffusers with enable_tiling(): an 80x56 image and its 20x14 latents are both larger than one tile."""
    out = {}
    image = uniform_image((1, 3, 80, 56), seed + 2000)
    g = torch.Generator().manual_seed(seed + 3000)
    latents = torch.randn((1, model64.config.latent_channels, 20, 14), generator=g, dtype=torch.float32)
    model64.enable_tiling()
    assert model64.tile_sample_min_size == 32 and model64.tile_latent_min_size == 8
    with torch.no_grad():
        posterior = model64.encode(image.double()).latent_dist
        out[prefix + "tiled_image"] = image
        out[prefix + "tiled_mean"] = posterior.mean
        out[prefix + "tiled_logvar"] = posterior.logvar
        out[prefix + "tiled_latents"] = latents
        out[prefix + "tiled_decoded"] = model64.decode(latents.double()).sample
        model64.disable_tiling()
        untiled = model64.decode(latents.double()).sample
        diff = float((untiled - out[prefix + "tiled_decoded"]).abs().max() / untiled.abs().max())
        print(f"{prefix} tiled vs untiled decode: max rel difference {diff:.2e} (tiling is not exact)")
    return out


def odd_size_references(model64, prefix):
    """An image whose sides are not multiples of the downscale factor: each level rounds down."""
    image = uniform_image((1, 3, 42, 26), 4000)
    with torch.no_grad():
        posterior = model64.encode(image.double()).latent_dist
    assert posterior.mean.shape[-2:] == (10, 6)
    return {prefix + "odd_image": image, prefix + "odd_mean": posterior.mean, prefix + "odd_logvar": posterior.logvar}


def main():
    outputs, metadata = {}, {}
    for index, (name, (kwargs, image_shape, seed)) in enumerate(MODELS.items()):
        model = AutoencoderKL(**kwargs).eval()
        randomize(model, seed=300 + index)
        if name == "two_level":
            with torch.no_grad():
                model.quant_conv.bias[kwargs["latent_channels"] + 1] -= 40.0
        save_model(model, name)
        refs, model64 = references(model, uniform_image(image_shape, seed=400 + index), seed, name + ".")
        if name == "two_level":
            assert float(refs[name + ".logvar"][:, 1].max()) == -30.0, "the clamp is exercised"
        outputs.update(refs)
        metadata[name + ".seed"] = seed
        if name == "three_level":
            outputs.update(tiled_references(model64, seed, name + "."))
            outputs.update(odd_size_references(model64, name + "."))

    # The LDM single file's VAE (Conversion fixtures), with diffusers' converted weights.
    model = AutoencoderKL(**LDM_CONFIG).eval()
    path = os.path.join(OUT, "Conversion_reference.safetensors")
    with safe_open(path, "pt") as f:
        state = {k[len("vae/"):]: f.get_tensor(k).float() for k in f.keys() if k.startswith("vae/")}
    model.load_state_dict(state, strict=True)
    refs, _ = references(model, uniform_image(LDM_IMAGE, seed=500), LDM_SEED, "ldm.")
    outputs.update(refs)
    metadata["ldm.seed"] = LDM_SEED
    metadata["ldm.norm_num_groups"] = LDM_CONFIG["norm_num_groups"]

    save_fixture("EaselDiffusionTests", "VAE_outputs", outputs, metadata)


if __name__ == "__main__":
    main()
