"""Writes the fixtures of Tests/AnnotatorTests: sample inputs and the condition maps the references make.

Run from the package root:  .venv-ref/bin/python Tests/Reference/make_annotator_fixtures.py
(or /work/main/.venv-ref/bin/python on the build machine).

- Canny: controlnet_aux's CannyDetector (loaded by file path, its package __init__ needs torchvision), called
  on the RGB array of the file as PIL reads it, with its defaults and with other thresholds/resolutions.
- Scribble: the A1111 ControlNet extension's "scribble_thr" preprocessor (scripts/processor.py), ported below
  with its resize_image_with_pad/remove_pad; the inverted drawing goes through its "invert" preprocessor
  first. The extension is not installable here, so the port quotes its code.
Maps are stored as 8-bit gray PNG (every map here has three equal channels, checked); cases in manifest.json.

opencv-python wheels run some cv2.resize(INTER_CUBIC) calls through Intel IPP, which rounds differently from
OpenCV's own code (what system OpenCV, without IPP, runs). Where a map depends on that, the case also stores
the map made with IPP switched off ("expected_without_ipp"); the wheel's map stays the main reference, as it
is what A1111 and controlnet_aux users get.
"""
import os
import shutil
import sys
import zlib

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import (SHARED, controlnet_aux_module, fixtures_dir, print_folder_size,  # noqa: E402
                          webui_resize, with_and_without_ipp, write_manifest)

OUT = fixtures_dir("AnnotatorTests")
SAMPLES = os.path.join(SHARED, "samples")


util = controlnet_aux_module("util")
CannyDetector = controlnet_aux_module("canny").CannyDetector


def save_map(detected, name):
    """Saves an H x W x 3 map whose channels are equal as a gray PNG."""
    assert detected.dtype == np.uint8 and detected.ndim == 3 and detected.shape[2] == 3
    assert (detected[..., 0] == detected[..., 1]).all() and (detected[..., 0] == detected[..., 2]).all()
    Image.fromarray(detected[..., 0]).save(os.path.join(OUT, name), optimize=True)
    return name


def add_case(cases, case, make, name):
    """Saves make()'s map as case["expected"], and its IPP-free version when that differs."""
    with_ipp, own = with_and_without_ipp(make)
    case["expected"] = save_map(with_ipp, name)
    if not np.array_equal(own, with_ipp):
        case["expected_without_ipp"] = save_map(own, name.replace(".png", "_noipp.png"))
    cases.append(case)


def copy_sample(name):
    shutil.copyfile(os.path.join(SAMPLES, name), os.path.join(OUT, name))
    return name


def load_rgb(name):
    return np.array(Image.open(os.path.join(OUT, name)))


manifest = {"canny": [], "scribble": [], "inputs": {}}


def record_input(name):
    """The decoded RGB pixels of a sample, as a CRC-32 (Pillow and cv2.imdecode agree, checked)."""
    pil = np.array(Image.open(os.path.join(OUT, name)))
    cv = cv2.cvtColor(cv2.imdecode(np.fromfile(os.path.join(OUT, name), np.uint8), cv2.IMREAD_UNCHANGED),
                      cv2.COLOR_BGR2RGB)
    assert np.array_equal(pil, cv)
    manifest["inputs"][name] = {"width": pil.shape[1], "height": pil.shape[0], "crc32": zlib.crc32(pil.tobytes())}

# ---------------------------------------------------------------------------------------------------------
# Canny: CannyDetector()(input_image, low_threshold, high_threshold, detect_resolution, image_resolution)
detector = CannyDetector()
canny_cases = [
    ("chelsea.png", 100, 200, 512, 512),  # defaults: 451x300 -> 768x512 (Lanczos4)
    ("rocket.jpg", 100, 200, 512, 512),   # defaults: 640x427 -> 768x512 (Lanczos4)
    ("chelsea.png", 50, 150, 384, 640),   # 576x384 detection, map enlarged to 960x640 with INTER_LINEAR
    ("rocket.jpg", 80, 160, 256, 256),    # shrinking: 384x256 with INTER_AREA
]
for sample, low, high, detect, image_res in canny_cases:
    copy_sample(sample)
    record_input(sample)
    rgb = load_rgb(sample)
    add_case(manifest["canny"], {"input": sample, "low": low, "high": high, "detect_resolution": detect,
                                 "image_resolution": image_res},
             lambda: detector(rgb, low_threshold=low, high_threshold=high, detect_resolution=detect,
                              image_resolution=image_res, output_type="np"),
             f"canny_{sample.split('.')[0]}_{low}_{high}_{detect}_{image_res}.png")

# ---------------------------------------------------------------------------------------------------------
# Scribble: sd-webui-controlnet scripts/processor.py


def pad64(x):
    return int(np.ceil(float(x) / 64.0) * 64 - x)


def resize_image_with_pad(input_image, resolution):
    img = webui_resize(input_image, resolution)  # HWC3 and the scaling, shared with make_image_fixtures.py
    H_target, W_target, _ = img.shape
    H_pad, W_pad = pad64(H_target), pad64(W_target)
    img_padded = np.pad(img, [[0, H_pad], [0, W_pad], [0, 0]], mode="edge")

    def remove_pad(x):
        return np.ascontiguousarray(x[:H_target, :W_target].copy()).copy()

    return np.ascontiguousarray(img_padded.copy()).copy(), remove_pad


def scribble_thr(img, res=512):
    img, remove_pad = resize_image_with_pad(img, res)
    result = np.zeros_like(img, dtype=np.uint8)
    result[np.min(img, axis=2) < 127] = 255
    return remove_pad(result)


def invert(img):
    return 255 - util.HWC3(img)


copy_sample("scribble_house.png")
record_input("scribble_house.png")
house = load_rgb("scribble_house.png")
inverted = 255 - house  # the Swift test makes the same image with 255 - x
for resolution in (512, 384, 700):  # identity, INTER_AREA, INTER_CUBIC
    add_case(manifest["scribble"], {"input": "scribble_house.png", "inverted": False, "resolution": resolution},
             lambda: scribble_thr(house, resolution), f"scribble_{resolution}.png")
for resolution in (512, 384):
    # The white-on-black drawing: A1111's "invert" preprocessor, then scribble_thr.
    add_case(manifest["scribble"], {"input": "scribble_house.png", "inverted": True, "resolution": resolution},
             lambda: scribble_thr(invert(inverted), resolution), f"scribble_inverted_{resolution}.png")

write_manifest(OUT, manifest)
print_folder_size(OUT)
print(f"OpenCV {cv2.__version__}")
