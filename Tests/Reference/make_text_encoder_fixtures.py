"""Writes the fixtures of the TextEncoder tests (transformers `CLIPTextModel`).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_text_encoder_fixtures.py

Writes under Tests/EaselDiffusionTests/Fixtures/:
- TextEncoder_quickgelu/: a 3-layer CLIP text model (width 32, 4 heads, quick_gelu, `eos_token_id` 2 as in
  SD 1.x's text_encoder/config.json, so the pooled output takes the argmax of the ids), laid out as a
  published SD 1.x folder written by transformers 4: keys carry the `text_model.` prefix and the I64
  `text_model.embeddings.position_ids` buffer is stored.
- TextEncoder_gelu/: a 3-layer model (width 48, 6 heads, gelu as in SD 2's OpenCLIP, `eos_token_id` 998 so
  the pooled output takes the first position of that id), as transformers 5 writes it: no prefix, no buffer.
- TextEncoder_outputs.safetensors: for each model (`quickgelu.*`, `gelu.*`), the input ids [2, 77] (as
  floats) and the reference outputs: `last_hidden_state`, `pooler_output`, every entry of `hidden_states`
  (`hidden_state_i`, before the final LayerNorm), and `clip_skip_k` = what diffusers'
  `StableDiffusionPipeline.encode_prompt(..., clip_skip=k)` computes: `final_layer_norm(hidden_states[-(k+1)])`.

Both configs use a vocabulary of 1000 (ids < 1000) to keep the embedding tables small. Every parameter,
LayerNorm affines included, is drawn at random with unit-scale outputs so a wrong affine or activation
shows. `config.json` comes from `save_pretrained`; the weights are rewritten with sorted keys so that a
rerun reproduces the files byte for byte. References are computed by the model in float64 from the stored
float32 weights and rounded once to float32.
"""
import json
import os
import struct
import sys
import tempfile

import torch
from safetensors import safe_open
from transformers import CLIPTextConfig, CLIPTextModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir, save_fixture, write_safetensors  # noqa: E402

torch.set_num_threads(2)
OUT = fixtures_dir("EaselDiffusionTests")
SEQUENCE = 77

CONFIGS = {
    "quickgelu": dict(
        vocab_size=1000, hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
        max_position_embeddings=77, hidden_act="quick_gelu", layer_norm_eps=1e-5, projection_dim=16,
        bos_token_id=0, eos_token_id=2, pad_token_id=1),
    "gelu": dict(
        vocab_size=1000, hidden_size=48, intermediate_size=80, num_hidden_layers=3, num_attention_heads=6,
        max_position_embeddings=77, hidden_act="gelu", layer_norm_eps=1e-5, projection_dim=24,
        bos_token_id=997, eos_token_id=998, pad_token_id=0),
}


def randomize(model, seed):
    """Draws every parameter: linears ~ N(0, 1/in), biases ~ N(0, 0.1), LayerNorm weight ~ 1 + N(0, 0.2),
    embeddings ~ N(0, 1). transformers' own init (std 0.02, LN = 1/0) would hide affine mistakes."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            n = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if "layer_norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * n)
            elif name.endswith("bias"):
                p.copy_(0.1 * n)
            elif "embedding" in name:
                p.copy_(n)
            else:
                p.copy_(n / p.shape[1] ** 0.5)


def input_ids(name, vocab, seed):
    """Two rows of 77 ids, shaped like tokenizer output, chosen so that the two pooling rules disagree."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, 990, (2, SEQUENCE), generator=g)
    if name == "quickgelu":
        # SD 1.x: bos, words, eos (the largest id), then eos as padding: pooled at the first eos (argmax).
        ids[0, 0] = 0
        ids[0, 12:] = 999
        ids[1, 0] = 0
        ids[1, 40] = 999  # no padding; a second maximum later must not win
        ids[1, 60] = 999
    else:
        # SD 2.x: bos, words, eos (998), padding 0. An id 999 before the eos would fool the argmax rule.
        ids[0, 0] = 997
        ids[0, 5] = 999
        ids[0, 20] = 998
        ids[0, 21:] = 0
        ids[1, 0] = 997
        ids[1, 30] = 999
        ids[1, 50] = 998
        ids[1, 70] = 998  # only the first eos counts
    assert int(ids.max()) < vocab
    return ids


def write_weights(path, tensors):
    """safetensors with sorted keys (float32 and int64 tensors), so a rerun reproduces the file byte for byte."""
    write_safetensors(path, tensors, {"format": "pt"}, keep_dtypes=True)

def save_model(model, name, prefixed):
    folder = os.path.join(OUT, "TextEncoder_" + name)
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        with open(os.path.join(tmp, "config.json")) as f:
            config = f.read()
        with safe_open(os.path.join(tmp, "model.safetensors"), "pt") as f:
            weights = {k: f.get_tensor(k) for k in f.keys()}
    assert not any(k.startswith("text_model.") for k in weights), "transformers 5 writes no prefix"
    if prefixed:
        weights = {"text_model." + k: v for k, v in weights.items()}
        weights["text_model.embeddings.position_ids"] = torch.arange(SEQUENCE, dtype=torch.int64)[None]
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(config)
    write_weights(os.path.join(folder, "model.safetensors"), weights)
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print(f"wrote {os.path.relpath(folder, ROOT)}/ ({size / 1e3:.1f} kB)")


def references(model, ids, prefix):
    out = {prefix + "input_ids": ids.to(torch.float32)}
    with torch.no_grad():
        model64 = model.to(torch.float64)
        result = model64(ids, output_hidden_states=True)
        out[prefix + "last_hidden_state"] = result.last_hidden_state
        out[prefix + "pooler_output"] = result.pooler_output
        for i, h in enumerate(result.hidden_states):
            out[prefix + f"hidden_state_{i}"] = h
        for k in range(1, model.config.num_hidden_layers + 1):
            # diffusers StableDiffusionPipeline.encode_prompt with clip_skip=k:
            #   prompt_embeds = self.text_encoder(ids, output_hidden_states=True)[-1][-(clip_skip + 1)]
            #   prompt_embeds = self.text_encoder.text_model.final_layer_norm(prompt_embeds)
            hidden = model64(ids, output_hidden_states=True)[-1][-(k + 1)]
            out[prefix + f"clip_skip_{k}"] = model64.final_layer_norm(hidden)
        # How far PyTorch's own float32 run is from the float64 reference (for the report).
        model.to(torch.float32)
        last32 = model(ids).last_hidden_state.double()
        ref = out[prefix + "last_hidden_state"]
        print(f"{prefix} torch float32 vs float64: max rel error "
              f"{float((last32 - ref).abs().max() / ref.abs().max()):.2e}")
    return out


def main():
    outputs = {}
    metadata = {}
    for seed, (name, kwargs) in enumerate(CONFIGS.items()):
        model = CLIPTextModel(CLIPTextConfig(**kwargs)).eval()
        randomize(model, seed=100 + seed)
        save_model(model, name, prefixed=(name == "quickgelu"))
        ids = input_ids(name, kwargs["vocab_size"], seed=200 + seed)
        outputs.update(references(model, ids, name + "."))
        metadata[name + ".layers"] = kwargs["num_hidden_layers"]
    save_fixture("EaselDiffusionTests", "TextEncoder_outputs", outputs, metadata)


if __name__ == "__main__":
    main()
