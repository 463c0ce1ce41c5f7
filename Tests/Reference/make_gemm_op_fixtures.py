"""Fixtures for EaselTensor's GEMM-based ops: conv2d, conv_transpose2d, linear, matmul, softmax, attention.

Run from the repository root:  .venv-ref/bin/python Tests/Reference/make_gemm_op_fixtures.py

Inputs are not stored. SD-sized weights would blow the fixture budget (one 320->320 3x3 conv weight is
3.7 MB), so every input is made by `seeded_uniform`, a counter-based generator (splitmix64 of
seed * 2^32 + index) that the Swift tests re-implement bit for bit (Tests/EaselTensorTests/SeededUniform.swift):
each value is k * 2^-23 - 1 for a 24-bit integer k, exact in float32, times a power-of-two scale.
A case's tensors use seeds base, base + 1, base + 2, ... in the order listed in its metadata; the file
conv2d.safetensors also stores `generator_check` so a mismatch between the two generators is caught
on its own. Each case's parameters are in the metadata under "<case>.<key>"; only the reference
outputs ("<case>") are stored, computed in float64 by torch from the float32 inputs.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import save_fixture  # noqa: E402

TARGET = "EaselTensorTests"
MASK64 = (1 << 64) - 1


def seeded_uniform(shape, seed, scale=1.0):
    """float32 values in [-scale, scale): splitmix64(seed * 2^32 + i) >> 40, mapped by k * 2^-23 - 1."""
    assert 0 <= seed < 2**32 and math.log2(scale).is_integer(), "scale must be a power of two (exact)"
    n = int(np.prod(shape)) if len(shape) else 1
    z = (np.uint64(seed) << np.uint64(32)) + np.arange(n, dtype=np.uint64)
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    k = (z >> np.uint64(40)).astype(np.float64)
    values = ((k * 2.0**-23 - 1.0) * scale).astype(np.float32)
    return torch.from_numpy(values.reshape(shape))


class Family:
    """Collects the cases of one fixture file: reference outputs and their metadata."""

    def __init__(self, name):
        self.name = name
        self.tensors = {}
        self.metadata = {}
        self.cases = []

    def add(self, case, output, **params):
        assert case not in self.tensors
        self.cases.append(case)
        self.tensors[case] = output
        for key, value in params.items():
            if isinstance(value, bool):
                value = int(value)
            self.metadata[f"{case}.{key}"] = value
        print(f"  {self.name}/{case}: {tuple(output.shape)}")

    def save(self):
        self.metadata["cases"] = self.cases
        save_fixture(TARGET, self.name, self.tensors, self.metadata)


def d(t):
    return t.to(torch.float64)


def conv2d_cases():
    fam = Family("conv2d")
    fam.tensors["generator_check"] = seeded_uniform([4, 8], seed=7)
    fam.tensors["generator_check_scaled"] = seeded_uniform([3, 5], seed=4_000_000_000, scale=0.25)

    def case(name, x_shape, w_shape, bias=True, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
             seed=0, column_budget=0):
        x = seeded_uniform(x_shape, seed)
        w = seeded_uniform(w_shape, seed + 1, scale=0.125)
        b = seeded_uniform([w_shape[0]], seed + 2) if bias else None
        out = F.conv2d(d(x), d(w), d(b) if bias else None, stride, padding, dilation, groups)
        fam.add(name, out, input=x_shape, weight=w_shape, bias=bias, stride=stride, padding=padding,
                dilation=dilation, groups=groups, seed=seed, column_budget=column_budget)

    # SD UNet's commonest conv (320 -> 320, 3x3, pad 1) at a small latent size.
    case("sd320_3x3", [1, 320, 16, 16], [320, 320, 3, 3], padding=(1, 1), seed=100)
    # Fewer channels on a larger image, batch 2 (im2col per image).
    case("c64to16_3x3_batch2", [2, 64, 32, 32], [16, 64, 3, 3], padding=(1, 1), seed=110)
    # UNet downsampler: 3x3 stride 2 pad 1.
    case("sd320_down_stride2", [1, 320, 16, 16], [320, 320, 3, 3], stride=(2, 2), padding=(1, 1), seed=120)
    # Resnet shortcut / proj_in: 1x1 stride 1 (the direct GEMM path), batch 2.
    case("pointwise_1x1_batch2", [2, 320, 16, 16], [64, 320, 1, 1], seed=130)
    # 1x1 with groups (direct GEMM per group), no bias.
    case("pointwise_groups2", [1, 16, 9, 7], [8, 8, 1, 1], bias=False, groups=2, seed=140)
    # 1x1 with stride 2 goes through im2col.
    case("pointwise_stride2", [1, 8, 11, 9], [6, 8, 1, 1], stride=(2, 2), seed=145)
    case("dilation2_nobias", [1, 16, 20, 18], [24, 16, 3, 3], bias=False, padding=(2, 2), dilation=(2, 2),
         seed=150)
    case("groups2_batch2", [2, 32, 15, 17], [48, 16, 3, 3], padding=(1, 1), groups=2, seed=160)
    case("depthwise_3x3_batch2", [2, 32, 19, 16], [32, 1, 3, 3], padding=(1, 1), groups=32, seed=170)
    # Depthwise with channel multiplier 2 and every hyper-parameter asymmetric.
    case("depthwise_multiplier2_asymmetric", [1, 8, 17, 22], [16, 1, 5, 3], bias=False, stride=(2, 1),
         padding=(2, 1), dilation=(1, 2), groups=8, seed=180)
    case("asymmetric_3x5", [1, 12, 23, 19], [20, 12, 3, 5], stride=(1, 2), padding=(0, 2), dilation=(2, 1),
         seed=190)
    # SD conv_in-like: few input channels.
    case("conv_in_4ch_batch2", [2, 4, 24, 24], [32, 4, 3, 3], padding=(1, 1), seed=200)
    # The VAE encoder's downsampler: stride 2, no padding (the input is padded (0, 1, 0, 1) beforehand).
    case("stride2_unpadded_odd", [1, 32, 17, 17], [32, 32, 3, 3], stride=(2, 2), seed=210)
    # A large stem kernel.
    case("stem_7x7_stride2", [1, 3, 40, 40], [16, 3, 7, 7], stride=(2, 2), padding=(3, 3), seed=220)
    # 320 channels 3x3 at 48x48: 2880 x 2304 columns exceed the default 4 Mi budget, so two bands
    # (30 rows, then 18).
    case("sd320_to8_two_bands", [1, 320, 48, 48], [8, 320, 3, 3], padding=(1, 1), seed=230)
    # A tiny budget forces a band of 2 rows (6 * 9 * 11 * 2 = 1188 floats) and a ragged last band.
    case("banded_small_budget", [1, 6, 13, 11], [5, 6, 3, 3], padding=(1, 1), seed=240, column_budget=1200)
    # Banded with stride 2 and groups 3.
    case("banded_groups3_stride2", [2, 6, 21, 10], [9, 2, 3, 3], stride=(2, 2), padding=(1, 1), groups=3,
         seed=250, column_budget=2 * 9 * 5 * 3)
    # Winograd F(2x2, 3x3) (3x3, stride 1, 32+ channels): odd sizes (a last tile cut in both directions), batch 2;
    # no padding; a wide, short image (many tiles per row).
    case("winograd_odd_batch2", [2, 48, 19, 23], [40, 48, 3, 3], padding=(1, 1), seed=260)
    case("winograd_unpadded_bias", [1, 32, 14, 17], [33, 32, 3, 3], seed=270)
    case("winograd_wide_rows", [1, 64, 9, 70], [64, 64, 3, 3], bias=False, padding=(1, 1), seed=280)
    # Large enough (34 x 33 outputs) for the public conv2d to choose the Winograd path itself.
    case("winograd_plane_1122", [1, 32, 34, 33], [32, 32, 3, 3], padding=(1, 1), seed=290)
    fam.save()


def conv_transpose2d_cases():
    fam = Family("conv_transpose2d")

    def case(name, x_shape, w_shape, bias=True, stride=(1, 1), padding=(0, 0), output_padding=(0, 0),
             groups=1, dilation=(1, 1), seed=0, column_budget=0):
        x = seeded_uniform(x_shape, seed)
        w = seeded_uniform(w_shape, seed + 1, scale=0.125)
        out_channels = w_shape[1] * groups
        b = seeded_uniform([out_channels], seed + 2) if bias else None
        out = F.conv_transpose2d(d(x), d(w), d(b) if bias else None, stride, padding, output_padding, groups,
                                 dilation)
        fam.add(name, out, input=x_shape, weight=w_shape, bias=bias, stride=stride, padding=padding,
                output_padding=output_padding, groups=groups, dilation=dilation, seed=seed,
                column_budget=column_budget)

    # The classic x2 upsampler: kernel 4, stride 2, pad 1.
    case("k4_stride2_batch2", [2, 16, 9, 11], [16, 8, 4, 4], stride=(2, 2), padding=(1, 1), seed=300)
    # Inverse of a 3x3 stride-2 pad-1 down-conv on an even size: output padding 1.
    case("k3_stride2_output_padding1", [1, 12, 8, 7], [12, 10, 3, 3], stride=(2, 2), padding=(1, 1),
         output_padding=(1, 1), seed=310)
    case("groups2_nobias", [1, 8, 6, 5], [8, 3, 3, 3], bias=False, stride=(2, 2), groups=2, seed=320)
    case("asymmetric", [1, 6, 7, 5], [6, 4, 3, 2], stride=(2, 3), padding=(1, 0), output_padding=(1, 2),
         dilation=(1, 2), seed=330)
    # Output padding larger than the stride (allowed because dilation is larger).
    case("dilation2_output_padding1_stride1", [1, 4, 7, 8], [4, 6, 3, 3], dilation=(2, 2),
         output_padding=(1, 1), seed=340)
    case("pointwise", [2, 10, 5, 6], [10, 7, 1, 1], seed=350)
    # Bands of 3 input rows (4 * 9 * 10 * 3 floats) over 13 rows.
    case("banded_small_budget", [1, 8, 13, 10], [8, 4, 3, 3], stride=(2, 2), padding=(1, 1), seed=360,
         column_budget=4 * 9 * 10 * 3)
    fam.save()


def linear_cases():
    fam = Family("linear")

    def case(name, x_shape, w_shape, bias=True, seed=0):
        x = seeded_uniform(x_shape, seed)
        w = seeded_uniform(w_shape, seed + 1, scale=0.0625)
        b = seeded_uniform([w_shape[0]], seed + 2) if bias else None
        fam.add(name, F.linear(d(x), d(w), d(b) if bias else None), input=x_shape, weight=w_shape, bias=bias,
                seed=seed)

    # SD cross-attention to_k/to_v: CLIP states [2, 77, 768] -> 320, no bias.
    case("text_to_k_768to320", [2, 77, 768], [320, 768], bias=False, seed=400)
    # CLIP MLP fc2: 3072 -> 768 with bias (fewer tokens to keep the fixture small).
    case("clip_fc2_3072to768", [1, 32, 3072], [768, 3072], seed=410)
    # Time embedding linear_1: [2, 320] -> 1280.
    case("time_embedding_320to1280", [2, 320], [1280, 320], seed=420)
    case("vector_input", [96], [24, 96], seed=430)
    fam.save()


def matmul_cases():
    fam = Family("matmul")

    def case(name, a_shape, b_shape, transpose_a=False, transpose_b=False, seed=0):
        a = seeded_uniform(a_shape, seed)
        b = seeded_uniform(b_shape, seed + 1)
        ad = d(a).transpose(-2, -1) if transpose_a else d(a)
        bd = d(b).transpose(-2, -1) if transpose_b else d(b)
        fam.add(name, torch.matmul(ad, bd), a=a_shape, b=b_shape, transpose_a=transpose_a,
                transpose_b=transpose_b, seed=seed)

    case("batched", [2, 3, 33, 17], [2, 3, 17, 25], seed=500)
    case("transpose_a", [4, 17, 33], [4, 17, 25], transpose_a=True, seed=510)
    case("transpose_b", [4, 33, 17], [4, 25, 17], transpose_b=True, seed=520)
    case("transpose_both", [3, 17, 33], [3, 25, 17], transpose_a=True, transpose_b=True, seed=530)
    case("shared_b", [2, 5, 33, 17], [17, 25], seed=540)
    case("shared_b_transposed", [2, 5, 33, 17], [25, 17], transpose_b=True, seed=550)
    case("shared_b_transpose_a", [3, 17, 33], [17, 25], transpose_a=True, seed=560)
    case("plain_2d", [64, 96], [96, 80], seed=570)
    fam.save()


def softmax_cases():
    fam = Family("softmax")

    def case(name, shape, axis, scale=1.0, seed=0):
        x = seeded_uniform(shape, seed, scale=scale)
        fam.add(name, torch.softmax(d(x), dim=axis), shape=shape, axis=axis, scale=scale, seed=seed)

    # Peaked rows (logits up to +-8) of CLIP's length.
    case("last_axis_77", [4, 7, 77], -1, scale=8.0, seed=600)
    # A middle axis (columns 35 wide).
    case("axis1", [2, 300, 5, 7], 1, scale=4.0, seed=610)
    # Axis 0 with 600 columns: several column blocks and a ragged one.
    case("axis0_wide", [6, 600], 0, scale=4.0, seed=620)
    case("rows_of_64", [3, 64], 1, scale=2.0, seed=630)
    case("rows_of_5", [5, 5], -1, seed=640)
    # Logits up to +-128: exp would overflow float32 without subtracting the maximum.
    case("large_logits", [4, 50], -1, scale=128.0, seed=650)
    case("single_element_axis", [3, 1, 4], 1, seed=660)
    fam.save()


def attention_cases():
    fam = Family("attention")

    def split_heads(x, heads):
        b, n, c = x.shape
        return x.view(b, n, heads, c // heads).transpose(1, 2)

    def mha(name, q_shape, kv_shape, heads, v_channels=None, causal=False, q_scale=1.0, seed=0,
            score_budget=0):
        v_shape = kv_shape[:-1] + [v_channels or kv_shape[-1]]
        q = seeded_uniform(q_shape, seed, scale=q_scale)
        k = seeded_uniform(kv_shape, seed + 1)
        v = seeded_uniform(v_shape, seed + 2)
        out = F.scaled_dot_product_attention(
            split_heads(d(q), heads), split_heads(d(k), heads), split_heads(d(v), heads), is_causal=causal)
        out = out.transpose(1, 2).reshape(q_shape[0], q_shape[1], v_shape[-1])
        fam.add(name, out, kind="multihead", query=q_shape, key=kv_shape, value=v_shape, heads=heads,
                causal=causal, q_scale=q_scale, seed=seed, score_budget=score_budget)

    def sdpa(name, q_shape, k_shape, v_shape, causal=False, scale=None, q_scale=1.0, seed=0, score_budget=0):
        q = seeded_uniform(q_shape, seed, scale=q_scale)
        k = seeded_uniform(k_shape, seed + 1)
        v = seeded_uniform(v_shape, seed + 2)
        out = F.scaled_dot_product_attention(d(q), d(k), d(v), is_causal=causal, scale=scale)
        fam.add(name, out, kind="sdpa", query=q_shape, key=k_shape, value=v_shape, causal=causal,
                scale=scale if scale is not None else "default", q_scale=q_scale, seed=seed,
                score_budget=score_budget)

    # UNet self-attention at 32x32 latents: 1024 tokens, 320 channels, 8 heads of 40.
    mha("self_1024_8x40", [1, 1024, 320], [1, 1024, 320], heads=8, q_scale=4.0, seed=700)
    # 4096 keys (the 512px self-attention length) with small heads: the default budget gives 16 blocks.
    sdpa("self_4096_d8", [1, 1, 4096, 8], [1, 1, 4096, 8], [1, 1, 4096, 8], q_scale=8.0, seed=710)
    # Cross-attention: 256 latent tokens against 77 text tokens, heads of 64, batch 2.
    mha("cross_256x77_2x64", [2, 256, 128], [2, 77, 128], heads=2, q_scale=4.0, seed=720)
    # CLIP text self-attention: 77 tokens, 12 heads of 64, causal.
    mha("clip_causal_77_12x64", [1, 77, 768], [1, 77, 768], heads=12, causal=True, q_scale=4.0, seed=730)
    # Blocks of 64 rows over 300 queries (four full blocks and one of 44).
    sdpa("ragged_blocks", [1, 3, 300, 24], [1, 3, 300, 24], [1, 3, 300, 24], q_scale=4.0, seed=740,
         score_budget=64 * 300)
    # Causal with L != S, a value width different from the key width, and blocks of 32 rows (ragged).
    sdpa("causal_ragged_rectangular", [2, 2, 100, 16], [2, 2, 130, 16], [2, 2, 130, 24], causal=True,
         q_scale=4.0, seed=750, score_budget=32 * 130)
    # Explicit scale and a 3-D (unbatched-heads) layout.
    sdpa("explicit_scale_rank3", [2, 50, 8], [2, 60, 8], [2, 60, 8], scale=0.5, q_scale=2.0, seed=760)
    # Multi-head with value channels differing from query channels, small budget (ragged blocks).
    mha("multihead_value_width_ragged", [2, 45, 32], [2, 37, 32], heads=4, v_channels=48, q_scale=4.0,
        seed=770, score_budget=10 * 37)
    fam.save()


if __name__ == "__main__":
    torch.manual_seed(0)
    conv2d_cases()
    conv_transpose2d_cases()
    linear_cases()
    matmul_cases()
    softmax_cases()
    attention_cases()
