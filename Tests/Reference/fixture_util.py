"""Shared helpers for the scripts that write Easel's test fixtures.

A fixture is one safetensors file: the inputs and the reference outputs as float32 tensors, and each
case's parameters as strings in the file's __metadata__ (read back by Tests/EaselTestSupport/Fixtures.swift).
References are computed in float64 where the op allows it and stored as float32, so the stored values
are the exact answer rounded once, and the error a Swift test measures is Easel's own.
"""
import json
import os
import struct

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


def write_safetensors(path, tensors, metadata):
    """Writes the safetensors format with keys in sorted order.

    `safetensors.torch.save_file` orders the header by hash, so each rerun would change a fixture's bytes
    even when its content is the same; sorted keys make regeneration reproducible byte for byte.
    """
    header = {"__metadata__": dict(sorted(metadata.items()))} if metadata else {}
    offset = 0
    blobs = []
    for key in sorted(tensors):
        blob = tensors[key].numpy().astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(tensors[key].shape),
                       "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data section starts 8-byte aligned, as save_file does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
