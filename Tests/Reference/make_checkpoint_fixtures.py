"""Writes the fixtures of EaselCheckpointTests (safetensors reading, header validation, model folders).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_checkpoint_fixtures.py

Writes under Tests/EaselCheckpointTests/Fixtures/:
- dtypes.safetensors: one tensor per element type the reference writes (F32, F16, BF16, F64, fp8, the
  integers, BOOL), each beside `<name>_as_f32`, PyTorch's own `tensor.to(torch.float32)` of it, which the
  Swift reader must reproduce bit for bit. Written by `safetensors.torch.save_file`, so the file is also
  the reference for the Swift writer's byte layout.
- header_cases.json: hand-made files (valid and hostile) with the verdict of the reference
  implementation, `safetensors.deserialize` (the Rust crate's header and layout validation): the Swift
  reader must accept exactly the ones it accepts.
- tiny_pipeline/: a diffusers folder (model_index.json, unet/ in fp32 and an fp16 variant, vae/,
  text_encoder/, controlnet/, scheduler/) made with random weights by diffusers and transformers
  `save_pretrained`, small enough to commit, for the folder reader and identification.
"""
import base64
import json
import os
import shutil
import struct
import sys

import numpy as np
import safetensors
import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir, randn  # noqa: E402

torch.set_num_threads(2)
OUT = fixtures_dir("EaselCheckpointTests")


def size_of(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def report(path):
    print(f"wrote {os.path.relpath(path, ROOT)} ({size_of(path) / 1e3:.1f} kB)")


# MARK: element types

def dtype_fixture():
    g = torch.Generator().manual_seed(1)
    tensors = {}

    def add(name, tensor):
        tensors[name] = tensor.contiguous()
        tensors[name + "_as_f32"] = tensor.to(torch.float32).clone()

    # Known values first (the Swift test spells them out), then a random sample.
    known = torch.tensor([0.1, -2.5, 1e-40, 3.4e38, float("inf"), -0.0], dtype=torch.float32)
    add("f32", torch.cat([known, randn(9, seed=2)]).reshape(3, 5))
    # Halves: random bit patterns (every exponent, subnormals, infinities, NaNs) plus named specials.
    half_bits = torch.randint(0, 1 << 16, (1024,), generator=g, dtype=torch.int32)
    specials = torch.tensor([0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0xFBFF,
                             0x7C00, 0xFC00, 0x7E00, 0x7C01, 0x3555], dtype=torch.int32)
    half_bits = torch.cat([specials, half_bits]).to(torch.int16)
    add("f16", half_bits.view(torch.float16).reshape(2, -1))
    bf16_bits = torch.cat([torch.tensor([0, 0x8000, 1, 0x7F80, 0xFF80, 0x7FC0, 0x3F80], dtype=torch.int32),
                           torch.randint(0, 1 << 16, (512,), generator=g, dtype=torch.int32)]).to(torch.int16)
    add("bf16", bf16_bits.view(torch.bfloat16))
    # Every fp8 code.
    codes = torch.arange(256, dtype=torch.uint8)
    add("f8_e4m3", codes.clone().view(torch.float8_e4m3fn).reshape(16, 16))
    add("f8_e5m2", codes.clone().view(torch.float8_e5m2).reshape(16, 16))
    add("f64", torch.tensor([0.0, -0.0, 1.0 + 2.0**-30, 1.0 + 2.0**-23 + 2.0**-40, 1e300, -1e300, 1e-320,
                             3.4028235677973366e38, 0.1, float("inf"), float("nan")], dtype=torch.float64))
    big = [0, 1, -1, 76, (1 << 24) + 1, (1 << 24) + 3, (1 << 53) + 1, -(1 << 63), (1 << 63) - 1]
    add("i64", torch.tensor(big, dtype=torch.int64))
    add("position_ids", torch.arange(77, dtype=torch.int64)[None])  # as in old CLIP text encoder files
    add("i32", torch.tensor([0, -1, (1 << 31) - 1, -(1 << 31), (1 << 24) + 1], dtype=torch.int32))
    add("i16", torch.tensor([0, -1, 32767, -32768], dtype=torch.int16))
    add("i8", torch.tensor([0, -1, 127, -128], dtype=torch.int8))
    add("u8", torch.tensor([0, 1, 128, 255], dtype=torch.uint8))
    add("u16", torch.tensor([0, 1, 65535], dtype=torch.uint16))
    add("u32", torch.tensor([0, 1, (1 << 32) - 1, (1 << 24) + 1], dtype=torch.uint32))
    add("u64", torch.tensor([0, 1, (1 << 64) - 1, (1 << 53) + 1], dtype=torch.uint64))
    add("bool", torch.tensor([True, False, True]))
    add("scalar", torch.tensor(2.5, dtype=torch.float16))  # shape []
    add("empty", torch.zeros(0, 3, dtype=torch.float16))   # zero elements
    path = os.path.join(OUT, "dtypes.safetensors")
    save_file(tensors, path, metadata={"format": "pt"})  # one key: the reference orders a map randomly
    report(path)


# MARK: header validation cases

def blob(header, data=b""):
    raw = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def header_cases():
    f32 = lambda n: struct.pack(f"<{n}f", *range(n))  # noqa: E731
    one = {"a": entry("F32", [1], 0, 4)}
    cases = {
        # Valid files the reference accepts.
        "valid_one_tensor": blob(one, f32(1)),
        "valid_no_tensors": blob({}),
        "valid_metadata_only": blob({"__metadata__": {"format": "pt"}}),
        "valid_metadata_null": blob({"__metadata__": None}),
        "valid_whitespace_padding": blob(b'\t{ }\n   '),
        "valid_unordered_entries": blob({"b": entry("F32", [1], 4, 8), "a": entry("F32", [1], 0, 4)}, f32(2)),
        "valid_zero_size_tensors": blob({"z": entry("F32", [0, 3], 0, 0), "a": entry("F32", [1], 0, 4),
                                         "y": entry("F16", [0], 4, 4)}, f32(1)),
        "valid_scalar": blob({"s": entry("F32", [], 0, 4)}, f32(1)),
        "valid_extra_field": blob({"a": {**entry("F32", [1], 0, 4), "note": [1, {"x": None}]}}, f32(1)),
        "valid_int_and_bool_dtypes": blob({"i": entry("I64", [1, 2], 0, 16), "b": entry("BOOL", [3], 16, 19)},
                                          b"\0" * 19),
        "valid_subbyte_f4": blob({"q": entry("F4", [2, 2], 0, 2)}, b"\0" * 2),
        "valid_duplicate_tensor_last_wins": blob(
            b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
            b'"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32(2)),
        "valid_duplicate_metadata_key": blob(b'{"__metadata__":{"k":"1","k":"2"}}'),
        "valid_unicode_escape_name": blob(b'{"a\\u00e9\\ud83d\\ude00":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
                                          f32(1)),
        "valid_nesting_127": blob(b'{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":'
                                  + b"[" * 125 + b"]" * 125 + b"}}"),
        # Hostile or broken files the reference rejects.
        "empty_file": b"",
        "shorter_than_length": b"\x07\x00\x00",
        "header_length_huge": struct.pack("<Q", 1 << 62) + b"{}",
        "header_length_over_limit": struct.pack("<Q", 100_000_001) + b"{}",
        "header_length_past_eof": struct.pack("<Q", 100) + b"{}",
        "not_json": blob(b"{nope"),
        "json_array": blob([1, 2]),
        "json_string": blob(b'"hello"'),
        "trailing_characters": blob(b"{} x"),
        "trailing_nul_padding": blob(b"{}\0\0"),
        "byte_order_mark": blob(b"\xef\xbb\xbf{}"),
        "trailing_comma": blob(b'{"__metadata__":{"a":"b",}}'),
        "non_utf8_header": blob(b'{"\xff":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
        "lone_surrogate": blob(b'{"a\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
        "control_character_in_name": blob(b'{"a\x01":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
        "nesting_128": blob(b'{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":'
                            + b"[" * 126 + b"]" * 126 + b"}}"),
        "unknown_dtype": blob({"a": entry("F17", [1], 0, 4)}, f32(1)),
        "lowercase_dtype": blob({"a": entry("f32", [1], 0, 4)}, f32(1)),
        "dtype_not_string": blob({"a": {"dtype": 1, "shape": [1], "data_offsets": [0, 4]}}, f32(1)),
        "negative_shape": blob({"a": entry("F32", [-1], 0, 4)}, f32(1)),
        "negative_zero_shape": blob(b'{"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,0]}}'),
        "float_shape": blob(b'{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', f32(1)),
        "exponent_shape": blob(b'{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', f32(1)),
        "string_shape": blob({"a": entry("F32", ["1"], 0, 4)}, f32(1)),
        "shape_not_array": blob({"a": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}}, f32(1)),
        "missing_shape": blob({"a": {"dtype": "F32", "data_offsets": [0, 4]}}, f32(1)),
        "missing_dtype": blob({"a": {"shape": [1], "data_offsets": [0, 4]}}, f32(1)),
        "missing_offsets": blob({"a": {"dtype": "F32", "shape": [1]}}, f32(1)),
        "three_offsets": blob({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}, f32(1)),
        "duplicate_field": blob(b'{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
        "tensor_not_object": blob({"a": 5}),
        "offsets_reversed": blob({"a": entry("F32", [0], 4, 0)}, f32(1)),
        "offsets_past_end": blob({"a": entry("F32", [2], 0, 8)}, f32(1)),
        "truncated_data": blob({"a": entry("F32", [4], 0, 16)}, f32(4))[:-3],
        "offset_too_large": blob(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,1180591620717411303424]}}', f32(1)),
        "overlapping_tensors": blob({"a": entry("F32", [2], 0, 8), "b": entry("F32", [2], 4, 12)}, f32(3)),
        "gap_between_tensors": blob({"a": entry("F32", [1], 0, 4), "b": entry("F32", [1], 8, 12)}, f32(3)),
        "first_not_at_zero": blob({"a": entry("F32", [1], 4, 8)}, f32(2)),
        "trailing_bytes": blob(one, f32(2)),
        "shape_dtype_mismatch": blob({"a": entry("F32", [2], 0, 4)}, f32(1)),
        "shape_overflow": blob({"a": entry("F32", [1 << 40, 1 << 40], 0, 4)}, f32(1)),
        "subbyte_not_whole_bytes": blob({"q": entry("F4", [3], 0, 2)}, b"\0" * 2),
        "metadata_not_string_map": blob({"__metadata__": {"a": 1}}),
        "metadata_value_null": blob({"__metadata__": {"a": None}}),
        "metadata_array": blob({"__metadata__": ["x"]}),
        "metadata_twice": blob(b'{"__metadata__":{"x":"1"},"__metadata__":{"x":"2"}}'),
    }
    out = []
    for name, data in cases.items():
        try:
            safetensors.deserialize(data)
            verdict, message = True, ""
        except Exception as error:  # the reference's rejection, kept for the reader of a failing test
            verdict, message = False, str(error)[:200]
        if name.startswith("valid_") != verdict:
            raise SystemExit(f"case {name}: the reference {'accepts' if verdict else 'rejects'} it: {message}")
        out.append({"name": name, "bytes": base64.b64encode(data).decode(), "reference_accepts": verdict,
                    "reference_error": message})
    path = os.path.join(OUT, "header_cases.json")
    with open(path, "w") as f:
        json.dump({"reference": f"safetensors {safetensors.__version__} (safetensors.deserialize)",
                   "cases": out}, f, indent=1)
        f.write("\n")
    report(path)


# MARK: a tiny diffusers pipeline folder

def tiny_pipeline():
    from diffusers import AutoencoderKL, ControlNetModel, PNDMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    root = os.path.join(OUT, "tiny_pipeline")
    shutil.rmtree(root, ignore_errors=True)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(8, 16),
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=16, attention_head_dim=2, norm_num_groups=4)
    unet.save_pretrained(os.path.join(root, "unet"))
    unet.to(torch.float16).save_pretrained(os.path.join(root, "unet"), variant="fp16")
    controlnet = ControlNetModel.from_unet(unet.to(torch.float32), conditioning_embedding_out_channels=(4, 8))
    controlnet.save_pretrained(os.path.join(root, "controlnet"))
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), block_out_channels=(8, 16), layers_per_block=1,
        latent_channels=4, norm_num_groups=4, sample_size=16)
    vae.save_pretrained(os.path.join(root, "vae"))
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=100, hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
        max_position_embeddings=16, projection_dim=16, bos_token_id=0, eos_token_id=1, pad_token_id=1))
    text_encoder.save_pretrained(os.path.join(root, "text_encoder"))
    PNDMScheduler(skip_prk_steps=True).save_pretrained(os.path.join(root, "scheduler"))
    index = {
        "_class_name": "StableDiffusionControlNetPipeline",
        "_diffusers_version": "0.42.1",
        "controlnet": ["diffusers", "ControlNetModel"],
        "feature_extractor": [None, None],
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    }
    with open(os.path.join(root, "model_index.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    # The facts the Swift test checks, straight from the models.
    facts = {
        "unet_parameters": sum(p.numel() for p in unet.parameters()),
        "unet_tensors": len(unet.state_dict()),
        "controlnet_parameters": sum(p.numel() for p in controlnet.parameters()),
        "vae_parameters": sum(p.numel() for p in vae.parameters()),
        "text_encoder_parameters": sum(p.numel() for p in text_encoder.parameters()),
    }
    with open(os.path.join(OUT, "tiny_pipeline_facts.json"), "w") as f:
        json.dump(facts, f, indent=1)
        f.write("\n")
    report(root)


if __name__ == "__main__":
    dtype_fixture()
    header_cases()
    tiny_pipeline()
    total = sum(size_of(os.path.join(OUT, p)) for p in os.listdir(OUT))
    print(f"EaselCheckpointTests/Fixtures: {total / 1e3:.1f} kB in all")
