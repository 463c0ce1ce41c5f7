"""Fixtures for Easel's random sources (Tests/EaselDiffusionTests/Random*Tests.swift).

Random_torch_cpu: torch's own CPU generator. For each case one `torch.Generator("cpu").manual_seed(seed)`
draws the listed shapes in order with `torch.randn(shape, generator=g, dtype=torch.float32)`, so the state
carried between draws (and the double Box-Muller cache of the < 16 path) is part of what is checked.
Each draw is stored as its first and last 256 values plus a checksum of all its bit patterns; the Swift test
recomputes the checksum over its whole tensor, so big draws are checked bit for bit without storing them.

Random_avx_math: checksums of torch's AVX2 log/sin/cos (torch_avx_math_model.py, itself checked here against
torch.randn on 2^22 values) over every input the randn kernel can pass them: log(1 - k 2^-24) and
sincos(float(2 pi) * k 2^-24) for all k < 2^24, so the Swift port is checked on the whole domain.

Random_philox: the A1111 "NV" (CUDA-imitating) source, from an independent numpy implementation written
here from the algorithm (Philox4x32-10 as cuRAND runs it, counter (offset, 0, i, 0), key = seed; the first
value of cuRAND's Box-Muller, evaluated in double like A1111's port and rounded once to float32).
"""
import math

import numpy as np
import torch

from fixture_util import save_fixture
import torch_avx_math_model

EDGE = 256  # values stored from each end of a draw


def checksum(values):
    """FNV-1a-style 64-bit hash over the float32 bit patterns taken as 32-bit words (Swift: bitPatternChecksum)."""
    h = 0xCBF29CE484222325
    for w in np.ascontiguousarray(values, dtype=np.float32).reshape(-1).view(np.uint32).tolist():
        h = ((h ^ w) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def shape_text(shape):
    return "x".join(str(s) for s in shape)


def store_draws(tensors, meta, case, seed, shapes, draw):
    meta[f"{case}.seed"] = str(seed)
    meta[f"{case}.shapes"] = ";".join(shape_text(s) for s in shapes)
    for k, shape in enumerate(shapes):
        values = draw(shape).reshape(-1)
        meta[f"{case}.{k}.checksum"] = checksum(values)
        if values.size <= 2 * EDGE:
            tensors[f"{case}.{k}.head"] = values
        else:
            tensors[f"{case}.{k}.head"] = values[:EDGE]
            tensors[f"{case}.{k}.tail"] = values[-EDGE:]


SIZES = [[1], [7], [15], [16], [17], [33], [4, 64, 64], [2, 4, 32, 32]]
TORCH_CASES = {
    # name: (seed, shapes drawn in order from one generator)
    "seed0": (0, SIZES + [[1], [3], [5, 3]]),
    "seed42": (42, [[2, 4, 32, 32], [1], [1], [16], [3], [17], [7]]),
    "seed2p32p5": (2**32 + 5, SIZES),
    "seedLarge": (0xDEADBEEFCAFEF00D, SIZES),
    "seedNegative": (-7, [[33], [1], [4, 64, 64]]),
    # txt2img with Euler a at 512x512, 20 steps: the latents, then one noise draw per step.
    "eulerAncestral": (1234, [[1, 4, 64, 64]] * 21),
    # One long draw: 2^22 values through the 16-block kernel.
    "long": (7, [[1 << 22]]),
}


def make_torch_cpu():
    tensors, meta = {}, {"cases": list(TORCH_CASES)}
    for case, (seed, shapes) in TORCH_CASES.items():
        g = torch.Generator("cpu").manual_seed(seed)
        store_draws(tensors, meta, case, seed, shapes,
                    lambda s: torch.randn(s, generator=g, dtype=torch.float32).numpy())
    meta["torch"] = torch.__version__
    meta["cpu_capability"] = torch.backends.cpu.get_cpu_capability()
    save_fixture("EaselDiffusionTests", "Random_torch_cpu", tensors, meta)


def make_avx_math():
    g = torch.Generator("cpu").manual_seed(7)
    drawn = torch.randn(1 << 22, generator=g, dtype=torch.float32).numpy()
    assert np.array_equal(drawn.view(np.uint32), torch_avx_math_model.randn(7, 1 << 22).view(np.uint32)), \
        "the numpy model of torch's AVX2 kernel no longer matches torch.randn"
    u = np.arange(1 << 24, dtype=np.float32) * np.float32(2.0**-24)
    sine, cosine = torch_avx_math_model.sincos256(torch_avx_math_model.TWO_PI * u)
    meta = {
        "log.checksum": checksum(torch_avx_math_model.log256(np.float32(1) - u)),
        "sin.checksum": checksum(sine),
        "cos.checksum": checksum(cosine),
    }
    save_fixture("EaselDiffusionTests", "Random_avx_math", {"sin.head": sine[:16]}, meta)


# --- Philox4x32-10 -----------------------------------------------------------------------------------------
M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK32 = 0xFFFFFFFF


def philox_block(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 on uint64 numpy arrays holding 32-bit words (vectorised over elements)."""
    for r in range(10):
        if r:
            k0 = (k0 + W0) & MASK32
            k1 = (k1 + W1) & MASK32
        p0 = c0 * M0  # < 2^64: fits uint64
        p1 = c2 * M1
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & MASK32, (p0 >> 32) ^ c3 ^ k1, p0 & MASK32
    return c0, c1, c2, c3


KAT = [  # Random123's published known-answer vectors for philox4x32 with 10 rounds
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((MASK32,) * 4, (MASK32,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


class PhiloxRandn:
    def __init__(self, seed):
        self.seed = seed & 0xFFFFFFFFFFFFFFFF
        self.offset = 0

    def randn(self, shape):
        n = int(np.prod(shape))
        i = np.arange(n, dtype=np.uint64) & MASK32
        z = np.zeros(n, dtype=np.uint64)
        x, y, _, _ = philox_block(z + self.offset, z, i, z, z + (self.seed & MASK32), z + (self.seed >> 32))
        self.offset += 1
        scale = float(np.float32(2.3283064e-10))
        angle_scale = float(np.float32(2.3283064e-10 * 6.2831855))
        # Box-Muller in double with the C library's log and sin (math.*), rounded once to float32.
        out = np.empty(n, dtype=np.float32)
        for j, (a, b) in enumerate(zip(x.tolist(), y.tolist())):
            u = a * scale + scale / 2
            v = b * angle_scale + angle_scale / 2
            out[j] = math.sqrt(-2.0 * math.log(u)) * math.sin(v)
        return out.reshape(shape)


PHILOX_CASES = {
    "seed0": (0, [[3, 4], [3, 4], [17]]),
    "seed42": (42, [[1, 4, 64, 64], [1, 4, 64, 64]]),
    "seed2p32p5": (2**32 + 5, [[2, 4, 32, 32]]),
    "seedLarge": (0xDEADBEEFCAFEF00D, [[1, 4, 64, 64]]),
}
# Published values, to check the numpy implementation against sources other than itself:
# - the "Expected output" in the docstring of A1111's modules/rng_philox.py, Generator(seed=0).randn((3, 4))
#   (8 digits; A1111's code itself gives values up to 2.6e-7 away from these, so they were not printed from
#   that code as it stands; presumably from a GPU);
# - a notebook printing an 8x8 torch.randn on device="cuda:0" after torch.manual_seed(0) (4 decimals), found in
#   a public "lora_on_simple_mlp" Triton tutorial's output; its first 12 values are those of the A1111 docstring.
A1111_SEED0_3x4 = [-0.92466259, -0.42534415, -2.6438457, 0.14518388, -0.12086647, -0.57972564,
                   -0.62285122, -0.32838709, -1.07454231, -0.36314407, -1.67105067, 2.26550497]
CUDA_SEED0_8x8 = [float(v) for v in """
    -0.9247 -0.4253 -2.6438 0.1452 -0.1209 -0.5797 -0.6229 -0.3284
    -1.0745 -0.3631 -1.6711 2.2655 0.3117 -0.1842 1.2866 1.1820
    -0.1271 1.2169 1.4353 1.0605 -0.4941 -1.4244 -0.7244 -1.2973
    0.0697 -0.0074 1.8969 0.6878 -0.0779 -0.8373 1.3506 -0.2879
    -0.5965 -0.3283 -0.9086 -0.8059 -0.7407 -0.0504 0.5435 1.5150
    0.0141 0.4532 1.6349 0.7124 -0.1806 1.0252 -1.4622 -0.7554
    -0.1836 0.3824 0.3918 -0.0830 0.8971 -1.1123 0.1116 0.4863
    -0.5499 -0.3231 -0.5469 0.9049 0.2837 0.1210 0.4730 -1.0823""".split()]


def make_philox():
    for ctr, key, expected in KAT:
        got = philox_block(*(np.array([w], dtype=np.uint64) for w in ctr + key))
        assert tuple(int(w[0]) for w in got) == expected, "numpy Philox fails Random123's known answers"
    first = PhiloxRandn(0).randn([8, 8]).reshape(-1).astype(np.float64)
    print("max |ours - A1111 docstring|:", np.abs(first[:12] - A1111_SEED0_3x4).max())
    print("max |ours - published CUDA (4 decimals)|:", np.abs(first - CUDA_SEED0_8x8).max())
    assert np.array_equal(np.round(first, 4), CUDA_SEED0_8x8), "numpy Philox differs from the published CUDA values"
    tensors = {"published.a1111Docstring": np.array(A1111_SEED0_3x4), "published.cudaSeed0": np.array(CUDA_SEED0_8x8)}
    meta = {"cases": list(PHILOX_CASES)}
    for case, (seed, shapes) in PHILOX_CASES.items():
        g = PhiloxRandn(seed)
        store_draws(tensors, meta, case, seed, shapes, g.randn)
    save_fixture("EaselDiffusionTests", "Random_philox", tensors, meta)


if __name__ == "__main__":
    make_torch_cpu()
    make_avx_math()
    make_philox()
