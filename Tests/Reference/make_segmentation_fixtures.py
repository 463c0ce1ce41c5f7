"""Writes the fixtures of the segmentation annotator tests (transformers `UperNetForSemanticSegmentation` with a
`ConvNextBackbone`, the openmmlab/upernet-convnext-small layout diffusers' seg ControlNet example uses).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_segmentation_fixtures.py

Writes under Tests/AnnotatorTests/Fixtures/:
- Segmentation_model/: a tiny UperNet + ConvNeXt (hidden sizes 8/12/16/20, depths 1/1/2/1, head width 16, pool
  scales 1/2/3/6, 6 labels) with the auxiliary FCN head, as `save_pretrained` writes it (config.json), the weights
  rewritten with sorted keys (the BatchNorms' int64 `num_batches_tracked` kept), and a preprocessor_config.json as
  `SegformerImageProcessor.save_pretrained` writes it, at 64x96 instead of 512x512 to keep the test small.
- Segmentation_outputs.safetensors: `pixel_values` [1, 3, 64, 96] (random), the backbone's `feature_i` (the
  normalised stage outputs UperNet reads), `logits` [1, 6, 64, 96]; the ADE20K `palette` [150, 3] from
  controlnet_aux's `ade_palette()`; `processed` = the image processor's pixel values for Segmentation_input.png.
- Segmentation_input.png: an 80x60 image (Pillow's bilinear shrink of chelsea.png) and Segmentation_map.png: the
  condition map of diffusers' seg ControlNet example (sd-controlnet-seg model card) for it, step by step:
  processor -> model -> `post_process_semantic_segmentation(target_sizes=[image.size[::-1]])` (logits resized
  bilinearly to the image, argmax) -> each label painted with its palette colour (labels past 150 stay black).
- Segmentation_flow_64.png: the annotator's flow at detect resolution 64 on chelsea.png: controlnet_aux's
  `resize_image(HWC3(img), 64)` (INTER_AREA to 128x64), then the same example on that image. (At 128 the
  smallest top-2 margin is 8e-7, as small as float32's error; at 64 it is 1.4e-5.)

Every parameter is drawn at random with unit-scale outputs (conv and linear weights ~ N(0, 1/fan_in), biases
N(0, 0.1), norm and layer-scale weights 1 + N(0, 0.2), BatchNorm running means N(0, 0.1) and variances
U(0.5, 1.5)), so a wrong affine or a missing layer scale shows. References run in float64 on the stored float32
weights and are rounded once. The script prints the smallest top-2 logit margin of each argmax it relies on.
"""
import json
import os
import sys
import tempfile

import numpy as np
import torch
from PIL import Image
from safetensors import safe_open
from transformers import ConvNextConfig, SegformerImageProcessor, UperNetConfig, UperNetForSemanticSegmentation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import (  # noqa: E402
    ROOT, controlnet_aux_module, fixtures_dir, save_fixture, with_and_without_ipp, write_safetensors)

torch.set_num_threads(2)
OUT = fixtures_dir("AnnotatorTests")
HEIGHT, WIDTH = 64, 96


def make_model():
    backbone = ConvNextConfig(
        num_channels=3, patch_size=4, hidden_sizes=[8, 12, 16, 20], depths=[1, 1, 2, 1], hidden_act="gelu",
        layer_scale_init_value=1e-6, out_features=["stage1", "stage2", "stage3", "stage4"])
    config = UperNetConfig(
        backbone_config=backbone, hidden_size=16, pool_scales=[1, 2, 3, 6], num_labels=6, use_auxiliary_head=True,
        auxiliary_in_channels=16, auxiliary_channels=8, auxiliary_num_convs=1, auxiliary_concat_input=False)
    torch.manual_seed(0)
    model = UperNetForSemanticSegmentation(config).eval()
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for name, t in sorted(model.state_dict().items()):
            if t.dtype != torch.float32:
                continue  # num_batches_tracked
            n = torch.randn(t.shape, generator=g, dtype=torch.float32)
            if name.endswith("running_var"):
                t.copy_(0.5 + torch.rand(t.shape, generator=g))
            elif name.endswith("running_mean") or name.endswith("bias"):
                t.copy_(0.1 * n)
            elif t.dim() == 1:  # LayerNorm, BatchNorm and layer-scale weights
                t.copy_(1 + 0.2 * n)
            else:
                t.copy_(n / (t[0].numel()) ** 0.5)
    return model


def save_model(model, processor):
    folder = os.path.join(OUT, "Segmentation_model")
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        processor.save_pretrained(tmp)
        for name in ("config.json", "preprocessor_config.json"):
            with open(os.path.join(tmp, name)) as f:
                text = f.read()
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        with safe_open(os.path.join(tmp, "model.safetensors"), "pt") as f:
            weights = {k: f.get_tensor(k) for k in f.keys()}
    write_safetensors(os.path.join(folder, "model.safetensors"), weights, {"format": "pt"}, keep_dtypes=True)
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print(f"wrote {os.path.relpath(folder, ROOT)}/ ({size / 1e3:.1f} kB, {len(weights)} tensors)")


def margin(logits):
    """The smallest gap between the largest and second-largest logit over all pixels ([1, C, H, W])."""
    top = logits.topk(2, dim=1).values
    return float((top[:, 0] - top[:, 1]).min())


def condition_map(model, processor, image, palette):
    """diffusers' seg ControlNet example (sd-controlnet-seg model card), verbatim in effect."""
    with torch.no_grad():
        outputs = model(processor(image, return_tensors="pt").pixel_values.double())
    seg = processor.post_process_semantic_segmentation(outputs, target_sizes=[image.size[::-1]])[0]
    resized = torch.nn.functional.interpolate(outputs.logits, size=image.size[::-1], mode="bilinear",
                                              align_corners=False)
    print("condition map %dx%d: min top-2 margin %.2e, labels %s"
          % (image.width, image.height, margin(resized), sorted(set(seg.flatten().tolist()))))
    color_seg = np.zeros((seg.shape[0], seg.shape[1], 3), dtype=np.uint8)
    for label, color in enumerate(np.array(palette)):
        color_seg[seg.numpy() == label, :] = color
    return Image.fromarray(color_seg)


def main():
    model = make_model()
    processor = SegformerImageProcessor(size={"height": HEIGHT, "width": WIDTH})
    save_model(model, processor)
    # Reload from disk, as a user would, so the references come from what the fixture holds.
    folder = os.path.join(OUT, "Segmentation_model")
    model = UperNetForSemanticSegmentation.from_pretrained(folder).eval().double()
    processor = type(processor).from_pretrained(folder)
    print("processor:", type(processor).__name__)

    g = torch.Generator().manual_seed(11)
    pixel_values = torch.randn(1, 3, HEIGHT, WIDTH, generator=g, dtype=torch.float32)
    with torch.no_grad():
        features = model.backbone(pixel_values.double()).feature_maps
        logits = model(pixel_values.double()).logits
    print("features:", [tuple(f.shape) for f in features], "logit std %.3f" % float(logits.std()),
          "min top-2 margin %.2e" % margin(logits))
    tensors = {"pixel_values": pixel_values, "logits": logits}
    for i, f in enumerate(features):
        tensors[f"feature_{i}"] = f

    palette = controlnet_aux_module("util").ade_palette()
    assert len(palette) == 150
    tensors["palette"] = torch.tensor(palette, dtype=torch.float32)

    chelsea = Image.open(os.path.join(OUT, "chelsea.png")).convert("RGB")
    image = chelsea.resize((80, 60), Image.BILINEAR)
    image.save(os.path.join(OUT, "Segmentation_input.png"))
    processed = processor(image, return_tensors="pt").pixel_values
    tensors["processed"] = processed
    condition_map(model, processor, image, palette).save(os.path.join(OUT, "Segmentation_map.png"))

    # The annotator flow at detect resolution 64: controlnet_aux's HWC3 and resize_image (INTER_AREA here,
    # where the opencv-python wheel's Intel IPP and OpenCV's own code agree), then the example on that image.
    util = controlnet_aux_module("util")
    with_ipp, own = with_and_without_ipp(lambda: util.resize_image(util.HWC3(np.array(chelsea)), 64))
    assert (with_ipp == own).all(), "IPP changes the detect input; the test would need the IPP-free case"
    print("flow: chelsea %dx%d -> detect input %dx%d" % (chelsea.width, chelsea.height, own.shape[1], own.shape[0]))
    condition_map(model, processor, Image.fromarray(own), palette).save(os.path.join(OUT, "Segmentation_flow_64.png"))
    save_fixture("AnnotatorTests", "Segmentation_outputs", tensors)


if __name__ == "__main__":
    main()
