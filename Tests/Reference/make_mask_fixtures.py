"""Writes the mask and canvas fixtures of Tests/EaselImageTests (files Fixtures/Mask_*): the references for
Sources/EaselImage/Masking.

Run from the package root:  /work/main/.venv-ref/bin/python Tests/Reference/make_mask_fixtures.py

References:
- AUTOMATIC1111 stable-diffusion-webui (master, 1.10): modules/images.py `create_binary_mask`,
  modules/processing.py `StableDiffusionProcessingImg2Img.init` (mask blur, mask_for_overlay, latmask),
  `uncrop`/`apply_overlay`, modules/masking.py `get_crop_region_v2`, `expand_crop_region`, `fill`. A1111 is not
  installed here, so those steps are restated below (`a1111_*`) from its source, call for call on the same
  PIL/OpenCV/NumPy functions; they were checked line by line against the fetched originals.
- diffusers 0.42.1 (installed): `VaeImageProcessor` as StableDiffusionInpaintPipeline builds its
  `image_processor` and `mask_processor`, `get_crop_region`, and the pipeline's mask/masked-image steps.
- NumPy `np.pad` for the canvas fills; SplitMix64 restated for the noise fill.

Images are stored as PNG (Pillow), float results as raw little-endian float32 (`.f32`), cases and regions in
Fixtures/Mask_manifest.json. Everything is small (inputs of about 60x50 pixels).
"""
import os
import sys

import json

import cv2
import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter, ImageOps
from diffusers.image_processor import VaeImageProcessor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import fixtures_dir  # noqa: E402

OUT = fixtures_dir("EaselImageTests")
manifest = {}


def save_png(image, name):
    name = "Mask_" + name
    if isinstance(image, np.ndarray):
        image = Image.fromarray(np.ascontiguousarray(image))
    image.save(os.path.join(OUT, name), optimize=True)
    return name


def save_f32(array, name):
    name = "Mask_" + name
    np.ascontiguousarray(array, dtype="<f4").tofile(os.path.join(OUT, name))
    return name


# ---------------------------------------------------------------------------------------------------------
# A1111, restated (see the docstring).

def a1111_create_binary_mask(image, round=True):
    if image.mode == "RGBA" and image.getextrema()[-1] != (255, 255):
        alpha = image.split()[-1].convert("L")
        return alpha.point(lambda x: 255 if x > 128 else 0) if round else alpha
    return image.convert("L")


def a1111_mask_blur(image_mask, blur_x, blur_y):
    if blur_x > 0:
        np_mask = np.array(image_mask)
        k = 2 * int(2.5 * blur_x + 0.5) + 1
        image_mask = Image.fromarray(cv2.GaussianBlur(np_mask, (k, 1), blur_x))
    if blur_y > 0:
        np_mask = np.array(image_mask)
        k = 2 * int(2.5 * blur_y + 0.5) + 1
        image_mask = Image.fromarray(cv2.GaussianBlur(np_mask, (1, k), blur_y))
    return image_mask


def a1111_get_crop_region_v2(mask, pad=0):
    box = mask.getbbox()
    if box:
        x1, y1, x2, y2 = box
        return (max(x1 - pad, 0), max(y1 - pad, 0), min(x2 + pad, mask.size[0]), min(y2 + pad, mask.size[1])) if pad else box
    return None


def a1111_expand_crop_region(crop_region, processing_width, processing_height, image_width, image_height):
    x1, y1, x2, y2 = crop_region
    ratio_crop_region = (x2 - x1) / (y2 - y1)
    ratio_processing = processing_width / processing_height
    if ratio_crop_region > ratio_processing:
        desired_height = (x2 - x1) / ratio_processing
        desired_height_diff = int(desired_height - (y2 - y1))
        y1 -= desired_height_diff // 2
        y2 += desired_height_diff - desired_height_diff // 2
        if y2 >= image_height:
            diff = y2 - image_height
            y2 -= diff
            y1 -= diff
        if y1 < 0:
            y2 -= y1
            y1 -= y1
        if y2 >= image_height:
            y2 = image_height
    else:
        desired_width = (y2 - y1) * ratio_processing
        desired_width_diff = int(desired_width - (x2 - x1))
        x1 -= desired_width_diff // 2
        x2 += desired_width_diff - desired_width_diff // 2
        if x2 >= image_width:
            diff = x2 - image_width
            x2 -= diff
            x1 -= diff
        if x1 < 0:
            x2 -= x1
            x1 -= x1
        if x2 >= image_width:
            x2 = image_width
    return x1, y1, x2, y2


def a1111_fill(image, mask):
    image_mod = Image.new("RGBA", (image.width, image.height))
    image_masked = Image.new("RGBa", (image.width, image.height))
    image_masked.paste(image.convert("RGBA").convert("RGBa"), mask=ImageOps.invert(mask.convert("L")))
    image_masked = image_masked.convert("RGBa")
    for radius, repeats in [(256, 1), (64, 1), (16, 2), (4, 4), (2, 2), (0, 1)]:
        blurred = image_masked.filter(ImageFilter.GaussianBlur(radius)).convert("RGBA")
        for _ in range(repeats):
            image_mod.alpha_composite(blurred)
    return image_mod.convert("RGB")


def a1111_overlay(image, mask_for_overlay):
    """The overlay image A1111's init builds for one init image."""
    image_masked = Image.new("RGBa", (image.width, image.height))
    image_masked.paste(image.convert("RGBA").convert("RGBa"), mask=ImageOps.invert(mask_for_overlay.convert("L")))
    return image_masked.convert("RGBA")


def a1111_apply_overlay(image, paste_loc, overlay):
    if paste_loc is not None:  # uncrop
        x, y, w, h = paste_loc
        base_image = Image.new("RGBA", (overlay.width, overlay.height))
        image = VaeImageProcessor()._resize_and_crop(image, w, h)  # = images.resize_image(1, image, w, h)
        base_image.paste(image, (x, y))
        image = base_image
    image = image.convert("RGBA")
    image.alpha_composite(overlay)
    return image.convert("RGB")


def a1111_latmask(init_mask, latent_w, latent_h, round=True):
    latmask = init_mask.convert("RGB").resize((latent_w, latent_h))
    latmask = np.moveaxis(np.array(latmask, dtype=np.float32), 2, 0) / 255
    latmask = latmask[0]
    return np.around(latmask) if round else latmask


# ---------------------------------------------------------------------------------------------------------
# Inputs: a 61x47 crop of the shared cat photo and a mask with a hard ellipse and a soft gray patch.
# photo.png (make_image_fixtures.py) is a 101x75 crop of ../shared/samples/chelsea.png.
source = np.array(Image.open(os.path.join(OUT, "photo.png")).convert("RGB"))
photo = Image.fromarray(np.ascontiguousarray(source[10:57, 20:81]))
W, H = photo.size
manifest["photo"] = save_png(photo, "photo.png")

mask = Image.new("L", (W, H), 0)
draw = ImageDraw.Draw(mask)
draw.ellipse((20, 12, 41, 30), fill=255)
draw.rectangle((44, 34, 52, 40), fill=100)
manifest["mask"] = save_png(mask, "mask.png")

# Reading rules: an RGBA drawing whose strokes are transparent (alpha 0..255 ramps), and an opaque RGBA one.
rgba = np.dstack([np.array(photo), np.tile(np.linspace(0, 255, W).round().astype(np.uint8), (H, 1))])
manifest["rgba_alpha"] = save_png(rgba, "rgba_alpha.png")
opaque = rgba.copy()
opaque[..., 3] = 255
manifest["rgba_opaque"] = save_png(opaque, "rgba_opaque.png")
rgba_image, opaque_image = Image.fromarray(rgba), Image.fromarray(opaque)
manifest["read"] = {
    "alpha_round": save_png(a1111_create_binary_mask(rgba_image, True), "read_alpha_round.png"),
    "alpha_noround": save_png(a1111_create_binary_mask(rgba_image, False), "read_alpha_noround.png"),
    "opaque": save_png(a1111_create_binary_mask(opaque_image, True), "read_opaque.png"),
    "rgb_luminance": save_png(photo.convert("L"), "read_rgb_luminance.png"),
    "rgba_luminance": save_png(rgba_image.convert("L"), "read_rgba_luminance.png"),
}

# Mask blur (A1111's OpenCV path), several sizes, one larger than the image's height.
manifest["blur"] = []
for bx, by in [(4, 4), (3, 7), (0, 2), (1, 0), (12, 12)]:
    manifest["blur"].append({"x": bx, "y": by,
                             "expected": save_png(a1111_mask_blur(mask, bx, by), f"blur_{bx}x{by}.png")})

# Pillow's GaussianBlur (used by fill) on RGBA, radii from 0 to far beyond the image.
manifest["pillow_blur"] = []
for radius in [0, 1, 2, 3.5, 16, 64]:
    out = rgba_image.filter(ImageFilter.GaussianBlur(radius))
    manifest["pillow_blur"].append({"radius": radius, "expected": save_png(out, f"pillow_blur_{radius}.png")})

# diffusers' VaeImageProcessor.blur (Pillow GaussianBlur on the L mask; 4 is its default blur_factor).
manifest["diffusers_blur"] = save_png(VaeImageProcessor.blur(mask, 4), "diffusers_blur_4.png")

# Masked content fill, with the blurred mask (A1111 passes latent_mask = the blurred mask) and a hard one.
blurred4 = a1111_mask_blur(mask, 4, 4)
manifest["fill"] = [
    {"mask": save_png(blurred4, "blurred4.png"), "expected": save_png(a1111_fill(photo, blurred4), "fill_blurred.png")},
    {"mask": manifest["mask"], "expected": save_png(a1111_fill(photo, mask), "fill_hard.png")},
]

# Crop regions: get_crop_region_v2 + expand_crop_region on rectangles at the borders and inside, and
# diffusers' get_crop_region on the same masks.
manifest["crop"] = []
for (x1, y1, x2, y2), pad, pw, ph in [((20, 12, 42, 31), 0, 32, 32), ((20, 12, 42, 31), 8, 64, 48),
                                     ((0, 0, 5, 40), 4, 48, 32), ((50, 2, 61, 9), 16, 32, 64),
                                     ((3, 40, 60, 47), 2, 40, 48), ((30, 20, 31, 21), 32, 512, 512)]:
    m = Image.new("L", (W, H), 0)
    m.paste(255, (x1, y1, x2, y2))
    region = a1111_get_crop_region_v2(m, pad)
    expanded = a1111_expand_crop_region(region, pw, ph, W, H)
    diffusers_region = VaeImageProcessor.get_crop_region(m, pw, ph, pad=pad)
    assert tuple(diffusers_region) == tuple(expanded), (diffusers_region, expanded)
    manifest["crop"].append({"box": [x1, y1, x2, y2], "padding": pad, "width": pw, "height": ph,
                             "region": list(region), "expanded": list(expanded)})

# Paste-back. Whole picture: mask_for_overlay = clip(2 * blurred mask); the "generated" image is the photo
# flipped and inverted. Only masked: the region of the blurred mask with padding 4 for a 32x24 generation,
# a generated 32x24 image, uncropped into the region.
generated = ImageOps.invert(ImageOps.mirror(photo))
manifest["generated"] = save_png(generated, "generated.png")
doubled = Image.fromarray(np.clip(np.array(blurred4).astype(np.float32) * 2, 0, 255).astype(np.uint8))
overlay = a1111_overlay(photo, doubled)
manifest["overlay_whole"] = {"mask_doubled": save_png(doubled, "blurred4_doubled.png"),
                             "overlay": save_png(overlay, "overlay_whole.png"),
                             "expected": save_png(a1111_apply_overlay(generated, None, overlay), "paste_whole.png")}
region = a1111_expand_crop_region(a1111_get_crop_region_v2(blurred4, 4), 32, 24, W, H)
x1, y1, x2, y2 = region
small = Image.fromarray(np.array(generated.resize((32, 24), Image.Resampling.BILINEAR)))
overlay_masked = a1111_overlay(photo, blurred4)
manifest["overlay_masked"] = {
    "region": list(region), "generated": save_png(small, "generated_32x24.png"),
    "expected": save_png(a1111_apply_overlay(small, (x1, y1, x2 - x1, y2 - y1), overlay_masked), "paste_masked.png")}

# A1111's latent mask of the blurred mask at the processing size 48x40 (latent 6x5), rounded and not.
# images.resize_image(2, mask, 48, 40) (= diffusers _resize_and_fill) pastes onto an RGB canvas; R = G = B.
processed = VaeImageProcessor()._resize_and_fill(blurred4, 48, 40).convert("L")
manifest["latmask"] = {"mask": save_png(processed, "processed_48x40.png"), "width": 6, "height": 5,
                       "round": save_f32(a1111_latmask(processed, 6, 5, True), "latmask_round.f32"),
                       "noround": save_f32(a1111_latmask(processed, 6, 5, False), "latmask_noround.f32")}

# diffusers' StableDiffusionInpaintPipeline inputs at 48x40, and with padding_mask_crop=4.
image_processor = VaeImageProcessor(vae_scale_factor=8)
mask_processor = VaeImageProcessor(vae_scale_factor=8, do_normalize=False, do_binarize=True, do_convert_grayscale=True)
manifest["diffusers"] = []
for width, height, pad in [(48, 40, None), (64, 48, None), (56, 40, 4)]:
    if pad is not None:
        crops_coords = mask_processor.get_crop_region(blurred4, width, height, pad=pad)
        resize_mode = "fill"
    else:
        crops_coords, resize_mode = None, "default"
    init_image = image_processor.preprocess(photo, height=height, width=width, crops_coords=crops_coords,
                                            resize_mode=resize_mode).to(torch.float32)
    mask_condition = mask_processor.preprocess(blurred4, height=height, width=width, resize_mode=resize_mode,
                                               crops_coords=crops_coords)
    masked_image = init_image * (mask_condition < 0.5)
    latent = torch.nn.functional.interpolate(mask_condition, size=(height // 8, width // 8))
    tag = f"{width}x{height}" + (f"_pad{pad}" if pad is not None else "")
    manifest["diffusers"].append({
        "width": width, "height": height, "crop": list(crops_coords) if crops_coords else None,
        "image": save_f32(init_image.numpy(), f"diffusers_{tag}_image.f32"),
        "mask": save_f32(mask_condition.numpy(), f"diffusers_{tag}_mask.f32"),
        "masked_image": save_f32(masked_image.numpy(), f"diffusers_{tag}_masked_image.f32"),
        "latent_mask": save_f32(latent.numpy(), f"diffusers_{tag}_latent_mask.f32")})


# diffusers' own paste-back for padding_mask_crop (VaeImageProcessor.apply_overlay with crop_coords), which
# Easel's InpaintOverlay must equal; the original mask, the crop region of the 56x40 case, a 56x40 "output".
crop56 = manifest["diffusers"][2]["crop"]
output56 = Image.fromarray(((np.arange(40 * 56 * 3).reshape(40, 56, 3) * 5) % 256).astype(np.uint8))
manifest["diffusers_overlay"] = {
    "crop": crop56, "generated": save_png(output56, "diffusers_generated_56x40.png"),
    "expected": save_png(image_processor.apply_overlay(blurred4, photo, output56, tuple(crop56)),
                         "diffusers_overlay_56x40.png")}

# ControlNet v1.1 inpaint condition (diffusers docs' make_inpaint_condition / the model card): masked -1.
condition = np.array(photo.convert("RGB")).astype(np.float32) / 255.0
condition[np.array(blurred4.convert("L")).astype(np.float32) / 255.0 > 0.5] = -1.0
manifest["controlnet_inpaint"] = save_f32(condition.transpose(2, 0, 1), "controlnet_inpaint.f32")


# ---------------------------------------------------------------------------------------------------------
# A1111's StableDiffusionProcessingImg2Img.init for one init image, restated in its order (mask handling,
# flatten, resize, overlay, crop, fill, latmask), and apply_overlay after decoding.
def a1111_resize_image(mode, im, width, height):
    """images.resize_image(mode, im, width, height) without an upscaler (diffusers' resize has the same code)."""
    if mode == 0:
        return im.resize((width, height), resample=Image.Resampling.LANCZOS)
    processor = VaeImageProcessor()
    return processor._resize_and_crop(im, width, height) if mode == 1 else processor._resize_and_fill(im, width, height)


def a1111_flatten(img, bgcolor="#ffffff"):
    if img.mode == "RGBA":
        background = Image.new("RGBA", img.size, bgcolor)
        background.alpha_composite(img)
        img = background
    return img.convert("RGB")


def a1111_init(img, image_mask, width, height, blur_x, blur_y, invert, inpainting_fill, full_res, padding,
               resize_mode, mask_round=True):
    if invert:
        image_mask = ImageOps.invert(image_mask)
    image_mask = a1111_mask_blur(image_mask, blur_x, blur_y)
    crop_region, paste_to = None, None
    if full_res:
        mask_for_overlay = image_mask
        mask = image_mask.convert("L")
        crop_region = a1111_get_crop_region_v2(mask, padding)
        crop_region = a1111_expand_crop_region(crop_region, width, height, mask.width, mask.height)
        x1, y1, x2, y2 = crop_region
        mask = mask.crop(crop_region)
        image_mask = a1111_resize_image(2, mask, width, height)
        paste_to = (x1, y1, x2 - x1, y2 - y1)
    else:
        image_mask = a1111_resize_image(resize_mode, image_mask, width, height)
        np_mask = np.array(image_mask)
        np_mask = np.clip((np_mask.astype(np.float32)) * 2, 0, 255).astype(np.uint8)
        mask_for_overlay = Image.fromarray(np_mask)
    latent_mask = image_mask
    image = a1111_flatten(img)
    if crop_region is None:
        image = a1111_resize_image(resize_mode, image, width, height)
    if mask_for_overlay.size != (image.width, image.height):
        mask_for_overlay = a1111_resize_image(resize_mode, mask_for_overlay, image.width, image.height)
    overlay = a1111_overlay(image, mask_for_overlay)
    if crop_region is not None:
        image = image.crop(crop_region)
        image = a1111_resize_image(2, image, width, height)
    if inpainting_fill != 1:
        image = a1111_fill(image, latent_mask)
    latmask = a1111_latmask(latent_mask, width // 8, height // 8, mask_round)
    return image, latent_mask.convert("L"), overlay, paste_to, latmask


rgba_photo = Image.fromarray(np.dstack([np.array(photo), np.where(np.arange(W)[None, :] < 8, 90, 255)
                                        .astype(np.uint8).repeat(H, axis=0)]))
manifest["rgba_photo"] = save_png(rgba_photo, "rgba_photo.png")
manifest["a1111_init"] = []
for name, init_img, w, h, bx, by, invert, fill, full_res, pad, mode in [
        ("whole_fill", photo, 48, 40, 4, 4, False, 0, False, 0, 0),
        ("masked_fill", photo, 32, 32, 3, 3, False, 0, True, 6, 0),
        ("masked_invert", photo, 40, 24, 2, 5, True, 1, True, 4, 0),
        ("whole_crop_rgba", rgba_photo, 48, 48, 0, 0, False, 3, False, 0, 1),
        ("whole_fillmode", photo, 64, 40, 4, 0, False, 0, False, 0, 2),
        ("masked_tight", photo, 16, 16, 0, 0, False, 2, True, 0, 0)]:
    image, processed_mask, overlay, paste_to, latmask = a1111_init(
        init_img, mask, w, h, bx, by, invert, fill, full_res, pad, mode)
    fake = Image.fromarray(((np.arange(w * h * 3).reshape(h, w, 3) * 7) % 256).astype(np.uint8))
    region = [paste_to[0], paste_to[1], paste_to[0] + paste_to[2], paste_to[1] + paste_to[3]] if paste_to else None
    manifest["a1111_init"].append({
        "name": name, "source": manifest["rgba_photo"] if init_img is rgba_photo else manifest["photo"],
        "width": w, "height": h, "blur_x": bx, "blur_y": by, "invert": invert, "fill": fill,
        "padding": pad if full_res else None, "resize_mode": mode, "region": region,
        "image": save_png(image, f"init_{name}_image.png"),
        "mask": save_png(processed_mask, f"init_{name}_mask.png"),
        "overlay": save_png(overlay, f"init_{name}_overlay.png"),
        "latmask": save_f32(latmask, f"init_{name}_latmask.f32"),
        "finished": save_png(a1111_apply_overlay(fake, paste_to, overlay), f"init_{name}_finished.png")})


# ---------------------------------------------------------------------------------------------------------
# Outpainting canvas: a 13x9 crop grown by (5, 3, 20, 2) (the right pad wider than the image).
def splitmix64_bytes(seed, count):
    state, out, mask64 = seed, [], (1 << 64) - 1
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & mask64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask64
        out.append((z ^ (z >> 31)) >> 56)
    return out


tiny = np.ascontiguousarray(source[40:49, 40:53])
manifest["canvas_source"] = save_png(tiny, "canvas_source.png")
left, top, right, bottom = 5, 3, 20, 2
pads = ((top, bottom), (left, right), (0, 0))
noise = np.zeros((9 + top + bottom, 13 + left + right, 3), np.uint8)
inside = np.zeros(noise.shape[:2], bool)
inside[top:top + 9, left:left + 13] = True
noise[~inside] = np.array(splitmix64_bytes(1234, int((~inside).sum()) * 3), np.uint8).reshape(-1, 3)
noise[inside] = tiny.reshape(-1, 3)
gray = np.pad(tiny, pads, mode="constant", constant_values=128)
manifest["canvas"] = {"left": left, "top": top, "right": right, "bottom": bottom, "seed": 1234,
                      "edge": save_png(np.pad(tiny, pads, mode="edge"), "canvas_edge.png"),
                      "mirror": save_png(np.pad(tiny, pads, mode="reflect"), "canvas_mirror.png"),
                      "noise": save_png(noise, "canvas_noise.png"),
                      "gray": save_png(gray, "canvas_gray.png")}

with open(os.path.join(OUT, "Mask_manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT) if n.startswith("Mask_"))
print(f"{sum(1 for n in os.listdir(OUT) if n.startswith('Mask_'))} Mask_ files, {total / 1e6:.3f} MB")
