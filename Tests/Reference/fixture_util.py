"""Shared helpers for the scripts that write Easel's test fixtures.

A fixture is one safetensors file: the inputs and the reference outputs as float32 tensors, and each
case's parameters as strings in the file's __metadata__ (read back by Tests/EaselTestSupport/Fixtures.swift).
References are computed in float64 where the op allows it and stored as float32, so the stored values
are the exact answer rounded once, and the error a Swift test measures is Easel's own.
"""
import os

import numpy as np
import torch
from safetensors.torch import save_file

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
    save_file(out, path, metadata=meta)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path) / 1e6:.2f} MB)")
    return path


def randn(*shape, seed, scale=1.0):
    """A float32 normal sample from a seeded CPU generator (so reruns give the same fixture)."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float32) * scale
