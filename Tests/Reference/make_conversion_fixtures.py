"""Fixtures for the LDM single-file -> diffusers key conversion (Tests/EaselDiffusionTests/Conversion*).

Builds tiny random SD 1.x-like models with diffusers/transformers (UNet2DConditionModel, AutoencoderKL,
CLIPTextModel, ControlNetModel), writes them in the original LDM / ControlNet v1.1 single-file layout with a
reverse key mapping written here (the inverse of the rules in diffusers' loaders/single_file_utils.py, in the
way diffusers' scripts/convert_diffusers_to_original_stable_diffusion.py does for full-size SD 1.5, but
generalised to any number of levels and layers), and then CHECKS with diffusers' own converters
(`convert_ldm_unet_checkpoint`, `convert_ldm_vae_checkpoint`, `convert_ldm_clip_checkpoint`,
`convert_controlnet_checkpoint`) that the single file converts back to exactly the models' state dicts, and
that `StableDiffusionPipeline.from_single_file(file, config=<tiny folder>)` loads them exactly too.

Written (float16; every weight is drawn fp16-representable, so nothing rounds):
- Conversion_sd1_ldm.safetensors: UNet + VAE + CLIP text encoder in the LDM layout, plus the non-weight
  entries real checkpoints carry (betas, alphas_cumprod, model_ema.*, position_ids as int64).
- Conversion_sd2_ldm.safetensors: SD 2.x-style UNet (linear proj_in/proj_out, 9 input channels, 2 transformer
  layers per block) and OpenCLIP text encoder (`cond_stage_model.model.`, fused q/k/v, one layer more than the
  diffusers text encoder: SD 2.x uses the penultimate layer), no VAE.
- Conversion_controlnet_ldm.safetensors: a ControlNet v1.1 file (`control_model.` prefix).
- Conversion_fullsize_names.txt: the full-size SD 1.5 (UNet, VAE, CLIP ViT-L) and ControlNet v1.1 layouts,
  one line per tensor: `<LDM name> <shape> <diffusers name>`, the pairing checked with diffusers' converters on
  shape-only stand-ins (each tensor a stride-0 view of its own index, so nothing is allocated).
- Conversion_reference.safetensors: what diffusers' converters return for each file, keyed
  `<component>/<diffusers name>` (component: unet, vae, text_encoder, unet_sd2, text_encoder_sd2, controlnet), and each
  model's config values the Swift test checks the shape inference against, in the metadata.

Run: cd /work/wt-NAME && /work/main/.venv-ref/bin/python Tests/Reference/make_conversion_fixtures.py
"""
import json
import os
import shutil
import struct
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir, write_safetensors  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from diffusers import (  # noqa: E402
    AutoencoderKL, ControlNetModel, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel,
)
from diffusers.loaders.single_file_utils import (  # noqa: E402
    convert_controlnet_checkpoint,
    convert_open_clip_checkpoint,
    convert_ldm_clip_checkpoint,
    convert_ldm_unet_checkpoint,
    convert_ldm_vae_checkpoint,
)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer  # noqa: E402

TARGET = "EaselDiffusionTests"


# ---------------------------------------------------------------- tiny models with fp16-exact weights

def randomize(model, seed):
    """Every parameter random (norm weights and biases too, so a swapped norm1/norm2 shows), fp16-exact."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.copy_((torch.randn(p.shape, generator=g) * 0.5).half().float())
    return model


def tiny_unet():
    return randomize(UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 8, 8), layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=8, attention_head_dim=2, norm_num_groups=2), seed=1)


def tiny_sd2_unet():
    return randomize(UNet2DConditionModel(
        sample_size=8, in_channels=9, out_channels=4, block_out_channels=(4, 8), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=12, attention_head_dim=(1, 2), use_linear_projection=True,
        transformer_layers_per_block=2, norm_num_groups=2), seed=2)


def tiny_vae():
    return randomize(AutoencoderKL(
        in_channels=3, out_channels=3, block_out_channels=(4, 8),
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
        layers_per_block=1, latent_channels=4, norm_num_groups=2, sample_size=16), seed=3)


def tiny_clip():
    config = CLIPTextConfig(vocab_size=256, hidden_size=8, intermediate_size=16, num_hidden_layers=2,
                            num_attention_heads=2, max_position_embeddings=77, bos_token_id=254, eos_token_id=255,
                            pad_token_id=255)
    return randomize(CLIPTextModel(config), seed=4)


def tiny_open_clip():
    config = CLIPTextConfig(vocab_size=256, hidden_size=8, intermediate_size=32, num_hidden_layers=2,
                            num_attention_heads=2, max_position_embeddings=77, hidden_act="gelu",
                            bos_token_id=254, eos_token_id=255, pad_token_id=255)
    return randomize(CLIPTextModel(config), seed=6)


def tiny_controlnet():
    return randomize(ControlNetModel(
        in_channels=4, conditioning_channels=3, block_out_channels=(4, 8, 8), layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        cross_attention_dim=8, attention_head_dim=2, norm_num_groups=2,
        conditioning_embedding_out_channels=(2, 2, 4, 4)), seed=5)


# ---------------------------------------------------------------- diffusers -> LDM (the reverse mapping)

RESNET_TO_LDM = [("norm1.", "in_layers.0."), ("conv1.", "in_layers.2."), ("norm2.", "out_layers.0."),
                 ("conv2.", "out_layers.3."), ("time_emb_proj.", "emb_layers.1."),
                 ("conv_shortcut.", "skip_connection.")]


def unet_prefix_map(config, with_up_blocks=True):
    """diffusers prefix -> LDM prefix for a UNet (or ControlNet down path) of any depth."""
    levels = len(config["block_out_channels"])
    lpb = config["layers_per_block"]
    m = {"time_embedding.linear_1.": "time_embed.0.", "time_embedding.linear_2.": "time_embed.2.",
         "conv_in.": "input_blocks.0.0.", "mid_block.resnets.0.": "middle_block.0.",
         "mid_block.attentions.0.": "middle_block.1.", "mid_block.resnets.1.": "middle_block.2."}
    for b in range(levels):
        for j in range(lpb):
            i = 1 + b * (lpb + 1) + j
            m[f"down_blocks.{b}.resnets.{j}."] = f"input_blocks.{i}.0."
            m[f"down_blocks.{b}.attentions.{j}."] = f"input_blocks.{i}.1."
        if b < levels - 1:
            m[f"down_blocks.{b}.downsamplers.0.conv."] = f"input_blocks.{(b + 1) * (lpb + 1)}.0.op."
    if with_up_blocks:
        m["conv_norm_out."] = "out.0."
        m["conv_out."] = "out.2."
        for b in range(levels):
            has_attention = config["up_block_types"][b].startswith("CrossAttn")
            for j in range(lpb + 1):
                i = b * (lpb + 1) + j
                m[f"up_blocks.{b}.resnets.{j}."] = f"output_blocks.{i}.0."
                m[f"up_blocks.{b}.attentions.{j}."] = f"output_blocks.{i}.1."
            if b < levels - 1:
                m[f"up_blocks.{b}.upsamplers.0.conv."] = f"output_blocks.{b * (lpb + 1) + lpb}.{2 if has_attention else 1}.conv."
    return m


def rename(name, prefix_map, inner=None):
    best = max((p for p in prefix_map if name.startswith(p)), key=len, default=None)
    if best is None:
        raise KeyError(name)
    rest = name[len(best):]
    if inner and ".resnets." in best:
        for old, new in inner:
            if rest.startswith(old):
                rest = new + rest[len(old):]
                break
    return prefix_map[best] + rest


def unet_to_ldm(state, config):
    m = unet_prefix_map(config)
    return {"model.diffusion_model." + rename(k, m, RESNET_TO_LDM): v for k, v in state.items()}


def controlnet_to_ldm(state, config):
    m = unet_prefix_map(config, with_up_blocks=False)
    m["controlnet_cond_embedding.conv_in."] = "input_hint_block.0."
    n_blocks = 2 * (len(config["conditioning_embedding_out_channels"]) - 1)
    for k in range(n_blocks):
        m[f"controlnet_cond_embedding.blocks.{k}."] = f"input_hint_block.{2 * (k + 1)}."
    m["controlnet_cond_embedding.conv_out."] = f"input_hint_block.{2 * (n_blocks + 1)}."
    for i in range(1 + len(config["block_out_channels"]) * (config["layers_per_block"] + 1) - 1):
        m[f"controlnet_down_blocks.{i}."] = f"zero_convs.{i}.0."
    m["controlnet_mid_block."] = "middle_block_out.0."
    return {"control_model." + rename(k, m, RESNET_TO_LDM): v for k, v in state.items()}


VAE_ATTENTION_TO_LDM = [("group_norm.", "norm."), ("to_q.", "q."), ("to_k.", "k."), ("to_v.", "v."),
                        ("to_out.0.", "proj_out.")]


def vae_to_ldm(state, config):
    levels = len(config["block_out_channels"])
    lpb = config["layers_per_block"]
    m = {"quant_conv.": "quant_conv.", "post_quant_conv.": "post_quant_conv."}
    for part in ("encoder", "decoder"):
        m[f"{part}.conv_in."] = f"{part}.conv_in."
        m[f"{part}.conv_out."] = f"{part}.conv_out."
        m[f"{part}.conv_norm_out."] = f"{part}.norm_out."
        m[f"{part}.mid_block.resnets.0."] = f"{part}.mid.block_1."
        m[f"{part}.mid_block.resnets.1."] = f"{part}.mid.block_2."
        m[f"{part}.mid_block.attentions.0."] = f"{part}.mid.attn_1."
    for i in range(levels):
        for j in range(lpb):
            m[f"encoder.down_blocks.{i}.resnets.{j}."] = f"encoder.down.{i}.block.{j}."
        for j in range(lpb + 1):
            m[f"decoder.up_blocks.{i}.resnets.{j}."] = f"decoder.up.{levels - 1 - i}.block.{j}."
        if i < levels - 1:
            m[f"encoder.down_blocks.{i}.downsamplers.0.conv."] = f"encoder.down.{i}.downsample.conv."
            m[f"decoder.up_blocks.{i}.upsamplers.0.conv."] = f"decoder.up.{levels - 1 - i}.upsample.conv."
    out = {}
    for k, v in state.items():
        name = rename(k, m, [("conv_shortcut.", "nin_shortcut.")])
        if ".mid.attn_1." in name:
            head, rest = name.split(".mid.attn_1.")
            for old, new in VAE_ATTENTION_TO_LDM:
                if rest.startswith(old):
                    rest = new + rest[len(old):]
            name = f"{head}.mid.attn_1.{rest}"
            if rest.endswith("weight") and v.ndim == 2:
                v = v[:, :, None, None]  # the LDM VAE attention is 1x1 convolutions
        out["first_stage_model." + name] = v
    return out


def clip_to_ldm(state):
    # transformers >= 5.6 flattened CLIPTextModel (no `text_model.` level); LDM files keep the old names.
    return {"cond_stage_model.transformer.text_model." + k.removeprefix("text_model."): v for k, v in state.items()}


OPEN_CLIP_TO_LDM = [("layer_norm1.", "ln_1."), ("layer_norm2.", "ln_2."), ("self_attn.out_proj.", "attn.out_proj."),
                    ("mlp.fc1.", "mlp.c_fc."), ("mlp.fc2.", "mlp.c_proj.")]


def open_clip_to_ldm(state, seed):
    """transformers CLIPTextModel -> SD 2.x FrozenOpenCLIPEmbedder names, q/k/v fused into in_proj, plus the
    last resblock SD 2.x skips (random), text_projection and logit_scale."""
    p = "cond_stage_model.model."
    hidden = state["embeddings.token_embedding.weight"].shape[1]
    out = {p + "token_embedding.weight": state["embeddings.token_embedding.weight"],
           p + "positional_embedding": state["embeddings.position_embedding.weight"],
           p + "ln_final.weight": state["final_layer_norm.weight"], p + "ln_final.bias": state["final_layer_norm.bias"]}
    layers = sorted({int(k.split(".")[2]) for k in state if k.startswith("encoder.layers.")})
    for i in layers:
        layer, block = f"encoder.layers.{i}.", f"{p}transformer.resblocks.{i}."
        for kind in ("weight", "bias"):
            out[block + f"attn.in_proj_{kind}"] = torch.cat(
                [state[layer + f"self_attn.{x}_proj.{kind}"] for x in "qkv"])
        for k, v in state.items():
            if k.startswith(layer) and ".self_attn.q_proj" not in k and ".self_attn.k_proj" not in k \
                    and ".self_attn.v_proj" not in k:
                rest = k[len(layer):]
                old, new = next((o, n) for o, n in OPEN_CLIP_TO_LDM if rest.startswith(o))
                out[block + new + rest[len(old):]] = v
    g = torch.Generator().manual_seed(seed)
    skipped = f"{p}transformer.resblocks.{len(layers)}."
    for k in [k for k in out if k.startswith(f"{p}transformer.resblocks.0.")]:
        out[skipped + k[len(f"{p}transformer.resblocks.0."):]] = (torch.randn(out[k].shape, generator=g) * 0.5).half().float()
    out[p + "text_projection"] = (torch.randn(hidden, hidden, generator=g) * 0.5).half().float()
    out[p + "logit_scale"] = torch.tensor(4.0)
    return out


# ---------------------------------------------------------------- checks with diffusers' own converters

def assert_same(converted, expected, what):
    if set(converted) != set(expected):
        raise SystemExit(f"{what}: names differ: missing {sorted(set(expected) - set(converted))[:5]}, "
                         f"extra {sorted(set(converted) - set(expected))[:5]}")
    for k, v in expected.items():
        c = converted[k].float()
        if c.shape != v.shape or not torch.equal(c, v.float()):
            raise SystemExit(f"{what}: {k} differs ({tuple(c.shape)} vs {tuple(v.shape)})")
    print(f"{what}: diffusers' converter gives back all {len(expected)} tensors exactly")


def check_from_single_file(path, unet, vae, clip):
    """The whole-pipeline route too: `StableDiffusionPipeline.from_single_file(path, config=<tiny folder>)`
    (offline; the folder is saved to a temporary directory with the project's CLIP vocabulary) loads exactly
    the tiny models' weights."""
    folder = tempfile.mkdtemp()
    try:
        clip_files = os.path.join(ROOT, "Sources", "EaselDiffusion", "Resources", "clip")
        tokenizer = CLIPTokenizer(os.path.join(clip_files, "vocab.json"), os.path.join(clip_files, "merges.txt"))
        StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=clip, tokenizer=tokenizer,
                                scheduler=PNDMScheduler(skip_prk_steps=True), safety_checker=None,
                                feature_extractor=None, requires_safety_checker=False).save_pretrained(folder)
        loaded = StableDiffusionPipeline.from_single_file(path, config=folder, local_files_only=True,
                                                          safety_checker=None, torch_dtype=torch.float32)
        for what, model, got in [("unet", unet, loaded.unet), ("vae", vae, loaded.vae),
                                 ("text_encoder", clip, loaded.text_encoder)]:
            assert_same(got.state_dict(), model.state_dict(), f"from_single_file {what}")
    finally:
        shutil.rmtree(folder)


def write_f16(path, tensors, metadata=None):
    """Sorted-key safetensors writer keeping F16 and I64 tensors (fixture_util.write_safetensors)."""
    write_safetensors(path, tensors, metadata, keep_dtypes=True)
    print(f"wrote {os.path.basename(path)} ({os.path.getsize(path) / 1e3:.1f} kB)")

def half(state):
    return {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}


def unet_metadata(prefix, config):
    return {
        f"{prefix}.block_out_channels": ",".join(map(str, config["block_out_channels"])),
        f"{prefix}.layers_per_block": str(config["layers_per_block"]),
        f"{prefix}.in_channels": str(config["in_channels"]),
        f"{prefix}.cross_attention_dim": str(config["cross_attention_dim"]),
        f"{prefix}.use_linear_projection": str(config["use_linear_projection"]).lower(),
        f"{prefix}.down_block_types": ",".join(config["down_block_types"]),
        **({f"{prefix}.up_block_types": ",".join(config["up_block_types"]),
            f"{prefix}.out_channels": str(config["out_channels"])} if "up_block_types" in config else {}),
        f"{prefix}.transformer_layers_per_block": str(config["transformer_layers_per_block"]),
    }


def labelled(model):
    """The model's state dict with each tensor replaced by a stride-0 view of its index (no memory used)."""
    return {k: torch.tensor(float(i)).expand(v.shape) for i, (k, v) in enumerate(model.state_dict().items())}


def label(t):
    return int(t[(0,) * t.ndim])


def check_pairing(ldm, converted, state, what):
    """diffusers' converter sends each LDM tensor to the diffusers name it came from, with its shape."""
    if set(converted) != set(state):
        raise SystemExit(f"{what}: converted names differ from the model's")
    for k, v in converted.items():
        if label(v) != label(state[k]) or tuple(v.shape) != tuple(state[k].shape):
            raise SystemExit(f"{what}: {k} comes from the wrong tensor")
    by_label = {label(v): k for k, v in ldm.items()}
    print(f"{what}: {len(converted)} full-size names pair up as diffusers' converter says")
    return [(by_label[label(state[k])], tuple(ldm[by_label[label(state[k])]].shape), k) for k in state]


def write_fullsize_names(out):
    with torch.device("meta"):  # configs of SD 1.5 (runwayml) and ControlNet v1.1; meta: no weights made
        unet = UNet2DConditionModel(cross_attention_dim=768, attention_head_dim=8)
        vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                            up_block_types=("UpDecoderBlock2D",) * 4, layers_per_block=2, latent_channels=4)
        clip = CLIPTextModel(CLIPTextConfig(hidden_size=768, intermediate_size=3072, num_attention_heads=12,
                                            num_hidden_layers=12, projection_dim=768))
        controlnet = ControlNetModel(cross_attention_dim=768, attention_head_dim=8)
    rows = []
    state = labelled(unet)
    ldm = unet_to_ldm(state, unet.config)
    rows += check_pairing(ldm, convert_ldm_unet_checkpoint(ldm, unet.config), state, "full-size unet")
    state = labelled(vae)
    ldm = vae_to_ldm(state, vae.config)
    rows += check_pairing(ldm, convert_ldm_vae_checkpoint(ldm, vae.config), state, "full-size vae")
    state = labelled(clip)
    ldm = clip_to_ldm(state)
    converted = {k.removeprefix("text_model."): v for k, v in convert_ldm_clip_checkpoint(ldm).items()}
    rows += [(a, s, "text_model." + b) for a, s, b in check_pairing(ldm, converted, state, "full-size text_encoder")]
    state = labelled(controlnet)
    ldm = controlnet_to_ldm(state, controlnet.config)
    rows += check_pairing(ldm, convert_controlnet_checkpoint(ldm, controlnet.config), state, "full-size controlnet")
    path = os.path.join(out, "Conversion_fullsize_names.txt")
    with open(path, "w") as f:
        for ldm_name, shape, name in sorted(rows):
            f.write(f"{ldm_name} {','.join(map(str, shape))} {name}\n")
    print(f"wrote {os.path.basename(path)} ({os.path.getsize(path) / 1e3:.1f} kB, {len(rows)} tensors)")


def main():
    out = fixtures_dir(TARGET)
    reference, metadata = {}, {}

    # SD 1.x-like full checkpoint
    unet, vae, clip = tiny_unet(), tiny_vae(), tiny_clip()
    unet_state, vae_state, clip_state = unet.state_dict(), vae.state_dict(), clip.state_dict()
    ldm = {**unet_to_ldm(unet_state, unet.config), **vae_to_ldm(vae_state, vae.config), **clip_to_ldm(clip_state)}
    # Entries real SD 1.x checkpoints carry besides the weights (diffusers ignores them all).
    g = torch.Generator().manual_seed(9)
    ldm["betas"] = torch.linspace(0.00085, 0.012, 8).half()
    ldm["alphas_cumprod"] = torch.rand(8, generator=g).half()
    ldm["alphas_cumprod_prev"] = torch.rand(8, generator=g).half()
    ldm["model_ema.decay"] = torch.tensor(0.9999).half()
    ldm["model_ema.num_updates"] = torch.tensor(1000, dtype=torch.int64)
    ldm["model_ema.diffusion_modeltime_embed0weight"] = torch.rand(4, generator=g).half()
    ldm["cond_stage_model.transformer.text_model.embeddings.position_ids"] = torch.arange(77).unsqueeze(0)

    converted_unet = convert_ldm_unet_checkpoint(ldm, unet.config)
    assert_same(converted_unet, unet_state, "unet")
    converted_vae = convert_ldm_vae_checkpoint(ldm, vae.config)
    assert_same(converted_vae, vae_state, "vae")
    converted_clip = convert_ldm_clip_checkpoint(ldm)
    converted_clip.pop("text_model.embeddings.position_ids")  # a buffer, not a weight (skipped on loading)
    converted_clip = {k.removeprefix("text_model."): v for k, v in converted_clip.items()}  # as diffusers does
    assert_same(converted_clip, clip_state, "text_encoder")
    write_f16(os.path.join(out, "Conversion_sd1_ldm.safetensors"), half(ldm))
    check_from_single_file(os.path.join(out, "Conversion_sd1_ldm.safetensors"), unet, vae, clip)
    reference.update({f"unet/{k}": v for k, v in converted_unet.items()})
    reference.update({f"vae/{k}": v for k, v in converted_vae.items()})
    reference.update({f"text_encoder/{k}": v for k, v in converted_clip.items()})
    metadata.update(unet_metadata("unet", unet.config))
    metadata.update({
        "vae.block_out_channels": ",".join(map(str, vae.config.block_out_channels)),
        "vae.layers_per_block": str(vae.config.layers_per_block),
        "vae.latent_channels": str(vae.config.latent_channels),
        "vae.in_channels": str(vae.config.in_channels), "vae.out_channels": str(vae.config.out_channels),
        "text_encoder.hidden_size": str(clip.config.hidden_size),
        "text_encoder.intermediate_size": str(clip.config.intermediate_size),
        "text_encoder.num_hidden_layers": str(clip.config.num_hidden_layers),
        "text_encoder.vocab_size": str(clip.config.vocab_size),
        "text_encoder.max_position_embeddings": str(clip.config.max_position_embeddings),
    })

    # SD 2.x-style UNet and OpenCLIP text encoder
    unet2, open_clip = tiny_sd2_unet(), tiny_open_clip()
    state2, open_clip_state = unet2.state_dict(), open_clip.state_dict()
    ldm2 = {**unet_to_ldm(state2, unet2.config), **open_clip_to_ldm(open_clip_state, seed=7)}
    converted2 = convert_ldm_unet_checkpoint(ldm2, unet2.config)
    assert_same(converted2, state2, "unet_sd2")
    converted_open_clip = convert_open_clip_checkpoint(open_clip, ldm2, prefix="cond_stage_model.model.")
    # diffusers skips SD 2's last layer by name (resblocks.23, SD_2_TEXT_ENCODER_KEYS_TO_IGNORE) and drops
    # text_projection on loading (strict=False into CLIPTextModel); here the last layer is resblocks.2.
    last = f"text_model.encoder.layers.{open_clip.config.num_hidden_layers}."
    converted_open_clip = {k.removeprefix("text_model."): v for k, v in converted_open_clip.items()
                           if not k.startswith(last) and k != "text_projection.weight"}
    assert_same(converted_open_clip, open_clip_state, "text_encoder_sd2")
    write_f16(os.path.join(out, "Conversion_sd2_ldm.safetensors"), half(ldm2))
    reference.update({f"unet_sd2/{k}": v for k, v in converted2.items()})
    reference.update({f"text_encoder_sd2/{k}": v for k, v in converted_open_clip.items()})
    metadata.update(unet_metadata("unet_sd2", unet2.config))

    # ControlNet v1.1 file
    controlnet = tiny_controlnet()
    cn_state = controlnet.state_dict()
    ldm_cn = controlnet_to_ldm(cn_state, controlnet.config)
    converted_cn = convert_controlnet_checkpoint(ldm_cn, controlnet.config)
    assert_same(converted_cn, cn_state, "controlnet")
    # the same file without the prefix converts the same way (thibaud/controlnet-sd21-style files)
    unprefixed = {k.removeprefix("control_model."): v for k, v in ldm_cn.items()}
    assert_same(convert_controlnet_checkpoint(unprefixed, controlnet.config), cn_state, "controlnet (no prefix)")
    write_f16(os.path.join(out, "Conversion_controlnet_ldm.safetensors"), half(ldm_cn))
    reference.update({f"controlnet/{k}": v for k, v in converted_cn.items()})
    metadata.update(unet_metadata("controlnet", controlnet.config))
    metadata["controlnet.conditioning_channels"] = str(controlnet.config.conditioning_channels)
    metadata["controlnet.conditioning_embedding_out_channels"] = ",".join(
        map(str, controlnet.config.conditioning_embedding_out_channels))

    write_f16(os.path.join(out, "Conversion_reference.safetensors"), half(reference), metadata)
    write_fullsize_names(out)


if __name__ == "__main__":
    main()
