"""Writes the depth annotator fixtures (Tests/AnnotatorTests/Fixtures/Depth_*).

- Depth_dpt_hybrid/: a tiny random transformers `DPTForDepthEstimation` in the Intel/dpt-hybrid-midas layout
  (`is_hybrid: true`: BiT bottleneck stem with weight-standardised convs and "same" padding, ViT-hybrid encoder,
  reassemble stage with the two identity stages, fusion stage, depth head).
- Depth_midas_hybrid.pt: the same weights under the original MiDaS names (dpt_hybrid-midas-501f0c75.pt's layout,
  timm's fused qkv), written by torch.save.
- Depth_dpt_large/: the same network in the plain-ViT layout of Intel/dpt-large.
- Depth_depth_anything/: a tiny random `DepthAnythingForDepthEstimation` (Dinov2 backbone, neck, relative head).
- Depth_outputs.safetensors: inputs and float64 references (`<model>.<case>.input`, `.predicted_depth`); the
  larger (and non-square) cases exercise the position-embedding interpolation (bilinear for DPT, float32 bicubic for Dinov2).
- Depth_a1111_depth_anything.safetensors: an image and the map A1111's depth_anything preprocessor makes of it
  with the tiny Depth Anything model (float32), re-stated here from sd-webui-controlnet and Depth Anything.
- Depth_postprocess.safetensors: controlnet_aux 0.0.10 `MidasDetector.__call__` run on a stand-in network that
  returns a fixed depth map, so the map and normal-map post-processing are compared on identical network outputs.

Every parameter is drawn at unit scale (norm affines around 1, biases 0.1), so a wrong affine shows.
Run from the repository root: /work/main/.venv-ref/bin/python Tests/Reference/make_depth_fixtures.py
"""
import os
import sys
import tempfile
import types

import numpy as np
import torch
from safetensors import safe_open
from transformers import BitConfig, Dinov2Config, DPTConfig, DPTForDepthEstimation
from transformers import DepthAnythingConfig, DepthAnythingForDepthEstimation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, controlnet_aux_module, fixtures_dir, save_fixture, write_safetensors  # noqa: E402

torch.set_num_threads(2)
OUT = fixtures_dir("AnnotatorTests")


def dpt_hybrid_config():
    backbone = BitConfig(
        layer_type="bottleneck", global_padding="same", embedding_dynamic_padding=True, depths=[1, 1, 2],
        hidden_sizes=[16, 32, 64], embedding_size=16, num_groups=4, out_features=["stage1", "stage2", "stage3"])
    return DPTConfig(
        is_hybrid=True, backbone_config=backbone, hidden_size=32, num_hidden_layers=4, num_attention_heads=4,
        intermediate_size=48, image_size=64, patch_size=16, backbone_featmap_shape=[1, 64, 4, 4],
        backbone_out_indices=[0, 1, 2, 3], neck_hidden_sizes=[16, 32, 24, 40], reassemble_factors=[1, 1, 1, 0.5],
        fusion_hidden_size=8, readout_type="project", hidden_act="gelu", layer_norm_eps=1e-12)


def dpt_large_config():
    """The plain-ViT layout of Intel/dpt-large (patch embeddings, four readout-projected stages)."""
    return DPTConfig(
        hidden_size=32, num_hidden_layers=4, num_attention_heads=4, intermediate_size=48, image_size=64,
        patch_size=16, backbone_out_indices=[0, 1, 2, 3], neck_hidden_sizes=[8, 16, 24, 32],
        reassemble_factors=[4, 2, 1, 0.5], fusion_hidden_size=8, readout_type="project", hidden_act="gelu",
        layer_norm_eps=1e-12)


def depth_anything_config():
    backbone = Dinov2Config(
        hidden_size=32, num_hidden_layers=4, num_attention_heads=4, mlp_ratio=2, image_size=56, patch_size=14,
        out_features=["stage1", "stage2", "stage3", "stage4"], reshape_hidden_states=False, layerscale_value=1.0)
    return DepthAnythingConfig(
        backbone_config=backbone, patch_size=14, reassemble_hidden_size=32, neck_hidden_sizes=[8, 16, 24, 32],
        reassemble_factors=[4, 2, 1, 0.5], fusion_hidden_size=8, head_hidden_size=8)


def randomize(model, seed):
    """Every parameter at unit scale: conv/linear weights ~ N(0, 1/fan_in), biases ~ N(0, 0.1), norm weights
    ~ 1 + N(0, 0.2), layer scales ~ 1 + N(0, 0.2), tokens and position embeddings ~ N(0, 1). The last head
    conv's bias is lifted by 3 so that the final ReLU keeps most of the map."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            n = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if p.dim() == 1 and ("norm" in name or "lambda" in name) and name.endswith(("weight", "lambda1")):
                p.copy_(1 + 0.2 * n)
            elif p.dim() == 1:
                p.copy_(0.1 * n)
            elif "token" in name or "position_embeddings" in name:
                p.copy_(n)
            else:
                fan_in = p[0].numel()
                p.copy_(n / fan_in ** 0.5)
        last = model.head.head[4] if isinstance(model, DPTForDepthEstimation) else model.head.conv3
        last.bias += 3.0


def save_model(model, name):
    folder = os.path.join(OUT, "Depth_" + name)
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        with open(os.path.join(tmp, "config.json")) as f:
            config = f.read()
        with safe_open(os.path.join(tmp, "model.safetensors"), "pt") as f:
            weights = {k: f.get_tensor(k) for k in f.keys()}
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(config)
    write_safetensors(os.path.join(folder, "model.safetensors"), weights, {"format": "pt"})
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print(f"wrote {os.path.relpath(folder, ROOT)}/ ({size / 1e3:.1f} kB)")


def image_input(height, width, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(1, 3, height, width, generator=g, dtype=torch.float32) * 2 - 1


def run(model, x, image_size=None):
    """The float64 output; `image_size` lets the hybrid model take another size (it checks the configured one,
    though its embeddings interpolate the position embeddings as MiDaS does)."""
    model64 = model.to(torch.float64)
    if image_size is not None:
        model64.dpt.embeddings.image_size = image_size
    with torch.no_grad():
        out = model64(x.double()).predicted_depth
        model.to(torch.float32)
        out32 = model(x).predicted_depth.double()
    if image_size is not None:
        model.dpt.embeddings.image_size = (64, 64)
    print(f"  {tuple(x.shape)}: positive {float((out > 0).double().mean()):.2f}, torch float32 vs float64 "
          f"max rel {float((out32 - out).abs().max() / out.abs().max()):.2e}")
    return out


def network_fixtures():
    tensors, meta = {}, {}
    dpt = DPTForDepthEstimation(dpt_hybrid_config()).eval()
    randomize(dpt, seed=501)
    save_model(dpt, "dpt_hybrid")
    save_midas_checkpoint(dpt)
    print("dpt_hybrid")
    for case, (h, w) in {"square": (64, 64), "large": (80, 80)}.items():
        x = image_input(h, w, seed=h * 1000 + w)
        tensors[f"dpt_hybrid.{case}.input"] = x
        tensors[f"dpt_hybrid.{case}.predicted_depth"] = run(dpt, x, image_size=(h, w))

    large = DPTForDepthEstimation(dpt_large_config()).eval()
    randomize(large, seed=504)
    save_model(large, "dpt_large")
    print("dpt_large")
    for case, (h, w) in {"square": (64, 64), "large": (80, 80)}.items():
        x = image_input(h, w, seed=h * 1000 + w + 3)
        tensors[f"dpt_large.{case}.input"] = x
        tensors[f"dpt_large.{case}.predicted_depth"] = run(large, x)

    da = DepthAnythingForDepthEstimation(depth_anything_config()).eval()
    randomize(da, seed=502)
    save_model(da, "depth_anything")
    print("depth_anything")
    for case, (h, w) in {"square": (56, 56), "wide": (56, 84), "large": (70, 70)}.items():
        x = image_input(h, w, seed=h * 1000 + w + 7)
        tensors[f"depth_anything.{case}.input"] = x
        tensors[f"depth_anything.{case}.predicted_depth"] = run(da, x)
    save_fixture("AnnotatorTests", "Depth_outputs", tensors, meta)


def midas_name(name):
    """The original MiDaS v3 DPT name of a transformers DPT-hybrid tensor: the inverse of the renaming in
    transformers' convert_dpt_hybrid_to_pytorch.py (timm ViT-hybrid under pretrained.model, readout/resize
    blocks pretrained.act_postprocess1-4, fusion blocks scratch.refinenet4-1). Fused qkv is handled apart."""
    parts = name.split(".")
    if name.startswith("dpt.embeddings.backbone.bit.embedder."):
        return "pretrained.model.patch_embed.backbone.stem." + {"convolution": "conv", "norm": "norm"}[parts[5]] + "." + parts[6]
    if name.startswith("dpt.embeddings.backbone.bit.encoder.stages."):
        stage, layer, rest = parts[6], parts[8], ".".join(parts[9:])
        return f"pretrained.model.patch_embed.backbone.stages.{stage}.blocks.{layer}.{rest}"
    simple = {"dpt.embeddings.cls_token": "pretrained.model.cls_token",
              "dpt.embeddings.position_embeddings": "pretrained.model.pos_embed"}
    if name in simple:
        return simple[name]
    if name.startswith("dpt.embeddings.projection."):
        return "pretrained.model.patch_embed.proj." + parts[-1]
    if name.startswith("dpt.layernorm."):
        return "pretrained.model.norm." + parts[-1]
    if name.startswith("dpt.encoder.layer."):
        inner = {"layernorm_before": "norm1", "layernorm_after": "norm2", "attention.output.dense": "attn.proj",
                 "intermediate.dense": "mlp.fc1", "output.dense": "mlp.fc2"}[".".join(parts[4:-1])]
        return f"pretrained.model.blocks.{parts[3]}.{inner}.{parts[-1]}"
    if name.startswith("neck.reassemble_stage.readout_projects."):
        return f"pretrained.act_postprocess{int(parts[3]) + 1}.0.project.0.{parts[-1]}"
    if name.startswith("neck.reassemble_stage.layers."):
        return f"pretrained.act_postprocess{int(parts[3]) + 1}." + {"projection": "3", "resize": "4"}[parts[4]] + "." + parts[-1]
    if name.startswith("neck.convs."):
        return f"scratch.layer{int(parts[2]) + 1}_rn.{parts[-1]}"
    if name.startswith("neck.fusion_stage.layers."):
        block = f"scratch.refinenet{4 - int(parts[3])}."
        if parts[4] == "projection":
            return block + "out_conv." + parts[-1]
        unit = parts[4].replace("residual_layer", "resConfUnit")
        return block + unit + "." + parts[5].replace("convolution", "conv") + "." + parts[-1]
    if name.startswith("head.head."):
        return f"scratch.output_conv.{parts[2]}.{parts[-1]}"
    raise KeyError(name)


def save_midas_checkpoint(model):
    """The tiny hybrid in the original MiDaS layout, as torch.save writes a state dict (the .pt format of
    dpt_hybrid-midas-501f0c75.pt), with timm's fused qkv and a stand-in for the dropped classifier head."""
    state = model.state_dict()
    out = {}
    for i in range(model.config.num_hidden_layers):
        prefix = f"dpt.encoder.layer.{i}.attention.attention."
        for p in ("weight", "bias"):
            out[f"pretrained.model.blocks.{i}.attn.qkv.{p}"] = torch.cat(
                [state.pop(prefix + part + "." + p) for part in ("query", "key", "value")])
    for name, tensor in state.items():
        out[midas_name(name)] = tensor
    assert len(out) == len(state) + 2 * model.config.num_hidden_layers, "two names map to one"
    out["pretrained.model.head.weight"] = torch.zeros(2, model.config.hidden_size)
    out["pretrained.model.head.bias"] = torch.zeros(2)
    path = os.path.join(OUT, "Depth_midas_hybrid.pt")
    ordered = {k: out[k].clone().contiguous() for k in sorted(out)}
    torch.save(ordered, path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path) / 1e3:.1f} kB)")


class FixedDepth(torch.nn.Module):
    """Stands in for MiDaSInference: returns a fixed depth map (as `model(x)[0]` reads it)."""

    def __init__(self, depth):
        super().__init__()
        self.depth = torch.nn.Parameter(depth[None], requires_grad=False)

    def forward(self, x):
        assert x.shape[-2:] == self.depth.shape[-2:]
        return self.depth


def postprocess_fixtures():
    # controlnet_aux.midas imports its MiDaS network code (timm) and einops; neither is needed to post-process.
    sys.modules.setdefault("controlnet_aux.midas.api", types.SimpleNamespace(MiDaSInference=None))
    if "einops" not in sys.modules:
        try:
            import einops  # noqa: F401
        except ImportError:
            sys.modules["einops"] = types.SimpleNamespace(
                rearrange=lambda t, pattern: t.permute(2, 0, 1)[None])
    midas = controlnet_aux_module("midas")
    height, width = 64, 128
    g = torch.Generator().manual_seed(503)
    # A smooth far-to-near ramp plus noise, with a flat far background so that bg_th matters.
    ys, xs = torch.meshgrid(torch.linspace(0, 1, height), torch.linspace(0, 1, width), indexing="ij")
    depth = 3 + 20 * xs * ys + torch.randn(height, width, generator=g)
    depth[:, : width // 4] = 2.5
    depth = depth.to(torch.float32)
    image = (torch.rand(height, width, 3, generator=g) * 255).to(torch.uint8).numpy()
    detector = midas.MidasDetector(FixedDepth(depth))
    depth_image, normal_image = detector(
        image, depth_and_normal=True, detect_resolution=height, image_resolution=height, output_type="np")
    assert depth_image.shape == (height, width, 3) and normal_image.shape == (height, width, 3)
    save_fixture("AnnotatorTests", "Depth_postprocess", {
        "depth": depth, "depth_image": torch.from_numpy(depth_image[:, :, 0].astype(np.float32)),
        "normal_image": torch.from_numpy(normal_image.astype(np.float32)),
    }, {"a": "6.283185307179586", "bg_th": "0.1"})


def depth_anything_input_size(height, width, target=518, multiple=14):
    """Depth Anything's transform `Resize(518, 518, keep_aspect_ratio=True, ensure_multiple_of=14,
    resize_method="lower_bound")`: one scale so that neither side is below the target, each side rounded to a
    multiple (np.round, half to even), rounded up instead where that falls below the target."""
    scale = max(target / height, target / width)

    def side(x):
        y = int(np.round(x / multiple) * multiple)
        return y if y >= target else int(np.ceil(x / multiple) * multiple)

    return side(scale * height), side(scale * width)


def a1111_depth_anything(model, image):
    """sd-webui-controlnet's `depth_anything` preprocessor on an RGB uint8 image already at the detect size
    (its resize_image_with_pad with k = 1): edge padding to multiples of 64, the detector
    (`cv2.cvtColor(image, cv2.COLOR_BGR2RGB) / 255.0` on the RGB input, Depth Anything's transform with
    cv2.INTER_CUBIC on float64, ImageNet mean/std, float32), the depth resized bilinearly to the padded size,
    min-max to uint8, the padding removed. The network is the transformers model in float32."""
    import cv2

    h, w = image.shape[:2]
    padded = np.pad(image, [[0, -h % 64], [0, -w % 64], [0, 0]], mode="edge")
    ph, pw = padded.shape[:2]
    x = cv2.cvtColor(padded, cv2.COLOR_BGR2RGB) / 255.0
    nh, nw = depth_anything_input_size(ph, pw)
    x = cv2.resize(x, (nw, nh), interpolation=cv2.INTER_CUBIC)
    x = (x - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    x = np.ascontiguousarray(np.transpose(x, (2, 0, 1))).astype(np.float32)
    with torch.no_grad():
        depth = model(torch.from_numpy(x)[None]).predicted_depth
    depth = torch.nn.functional.interpolate(depth[None], (ph, pw), mode="bilinear", align_corners=False)[0, 0]
    depth = (depth - depth.min()) / (depth.max() - depth.min()) * 255.0
    return depth.numpy().astype(np.uint8)[:h, :w]


def a1111_fixtures():
    model = DepthAnythingForDepthEstimation.from_pretrained(os.path.join(OUT, "Depth_depth_anything")).eval()
    g = torch.Generator().manual_seed(505)
    height, width = 64, 96
    ys, xs = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    base = torch.stack([xs * 2.5, ys * 3.5, (xs + ys) * 1.5], dim=2) + 20 * torch.rand(height, width, 3, generator=g)
    image = base.clamp(0, 255).to(torch.uint8).numpy()
    depth_map = a1111_depth_anything(model, image)
    save_fixture("AnnotatorTests", "Depth_a1111_depth_anything", {
        "image": torch.from_numpy(image.astype(np.float32)), "depth_image": torch.from_numpy(depth_map.astype(np.float32)),
    })


if __name__ == "__main__":
    network_fixtures()
    postprocess_fixtures()
    a1111_fixtures()
