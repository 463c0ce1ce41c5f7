"""Shared helpers for the scripts that write Easel's test fixtures.

A fixture is one safetensors file: the inputs and the reference outputs as float32 tensors, and each
case's parameters as strings in the file's __metadata__ (read back by Tests/EaselTestSupport/Fixtures.swift).
References are computed in float64 where the op allows it and stored as float32, so the stored values
are the exact answer rounded once, and the error a Swift test measures is Easel's own.
"""
import importlib
import importlib.machinery
import importlib.util
import json
import os
import struct
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def fixtures_dir(test_target):
    """Tests/<test_target>/Fixtures, created if needed."""
    path = os.path.join(ROOT, "Tests", test_target, "Fixtures")
    os.makedirs(path, exist_ok=True)
    return path


def save_fixture(test_target, name, tensors, metadata=None):
    """Writes Tests/<test_target>/Fixtures/<name>.safetensors and prints its size."""
    out = {}
    for key, value in tensors.items():
        if isinstance(value, np.ndarray):
            value = torch.from_numpy(value)
        out[key] = value.detach().to(torch.float32).contiguous()
    meta = {k: (",".join(str(x) for x in v) if isinstance(v, (list, tuple)) else str(v))
            for k, v in (metadata or {}).items()}
    path = os.path.join(fixtures_dir(test_target), name + ".safetensors")
    write_safetensors(path, out, meta)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path) / 1e6:.2f} MB)")
    return path


def randn(*shape, seed, scale=1.0):
    """A float32 normal sample from a seeded CPU generator (so reruns give the same fixture)."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float32) * scale


# Element types a fixture may keep with `keep_dtypes`: torch dtype -> (safetensors name, NumPy little-endian type).
SAFETENSORS_DTYPES = {torch.float32: ("F32", "<f4"), torch.float16: ("F16", "<f2"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, tensors, metadata, keep_dtypes=False):
    """Writes the safetensors format with keys in sorted order.

    `safetensors.torch.save_file` orders the header by hash, so each rerun would change a fixture's bytes
    even when its content is the same; sorted keys make regeneration reproducible byte for byte.
    Tensors are stored as float32, or with `keep_dtypes` each in its own type (F32, F16, I64: fp16 variant files,
    the int64 `position_ids` buffer old checkpoints carry).
    """
    header = {"__metadata__": dict(sorted(metadata.items()))} if metadata else {}
    offset = 0
    blobs = []
    for key in sorted(tensors):
        t = tensors[key].contiguous()
        name, numpy_type = SAFETENSORS_DTYPES[t.dtype] if keep_dtypes else ("F32", "<f4")
        blob = t.numpy().astype(numpy_type).tobytes()
        header[key] = {"dtype": name, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data section starts 8-byte aligned, as save_file does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def write_manifest(folder, manifest):
    """Writes <folder>/manifest.json: the cases a test target reads, one key per line group."""
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")


def print_folder_size(folder):
    """Prints how many files a Fixtures folder holds and their total size."""
    total = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))
    print(f"{len(os.listdir(folder))} files, {total / 1e6:.2f} MB in {os.path.relpath(folder)}")


# ---------------------------------------------------------------------------------------------------------
# Reference code shared by the image and annotator fixtures (OpenCV, controlnet_aux, the A1111 extension).


def controlnet_aux_module(name):
    """Imports controlnet_aux.<name> by file path without running the package __init__ (which needs
    torchvision): a bare package object pointing at the installed folder stands in for controlnet_aux."""
    if not hasattr(sys.modules.get("controlnet_aux"), "__easel__"):
        root = list(importlib.util.find_spec("controlnet_aux").submodule_search_locations)[0]
        package = importlib.util.module_from_spec(importlib.machinery.ModuleSpec("controlnet_aux", None, is_package=True))
        package.__path__ = [root]
        package.__easel__ = True
        sys.modules["controlnet_aux"] = package
    return importlib.import_module("controlnet_aux." + name)


def with_and_without_ipp(make):
    """make()'s result as the opencv-python wheels compute it, and with Intel IPP switched off.

    The wheels run some calls (cv2.resize INTER_CUBIC, float32 resizes) through IPP, which rounds differently
    from OpenCV's own code; system OpenCV builds (Debian's 4.6, what Easel links) have no IPP.
    """
    import cv2

    with_ipp = make()
    cv2.ipp.setUseIPP(False)
    try:
        own = make()
    finally:
        cv2.ipp.setUseIPP(True)
    return with_ipp, own


def webui_resize(input_image, resolution):
    """sd-webui-controlnet scripts/processor.py resize_image_with_pad(...) up to the padding: HWC3, then the
    short side scaled to `resolution` (INTER_CUBIC when enlarging, INTER_AREA otherwise)."""
    import cv2

    img = controlnet_aux_module("util").HWC3(input_image)
    H_raw, W_raw, _ = img.shape
    k = float(resolution) / float(min(H_raw, W_raw))
    interpolation = cv2.INTER_CUBIC if k > 1 else cv2.INTER_AREA
    H_target = int(np.round(float(H_raw) * k))
    W_target = int(np.round(float(W_raw) * k))
    return cv2.resize(img, (W_target, H_target), interpolation=interpolation)
