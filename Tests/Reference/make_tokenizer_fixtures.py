"""Writes the fixtures of the Tokenizer and Prompt tests (transformers 5.23 `CLIPTokenizer`, diffusers 0.42.1
`StableDiffusionPipeline.encode_prompt`, and AUTOMATIC1111's prompt syntax, chunking and emphasis).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_tokenizer_fixtures.py

Writes under Tests/EaselDiffusionTests/Fixtures/:
- Tokenizer_small/: a cut-down CLIP tokenizer folder in the published SD 1.x layout (vocab.json, merges.txt,
  tokenizer_config.json and special_tokens_map.json as SD 1.5 writes them): the 512 byte symbols, the first
  MERGES merges and their results, then <|startoftext|> and <|endoftext|>.
- Tokenizer_small_json/: the same tokenizer as transformers 5 `save_pretrained` writes it (tokenizer.json +
  tokenizer_config.json, no vocab.json / merges.txt), as the pipeline fixtures' tokenizer is written.
- Tokenizer_sd2_configs/: SD 2's tokenizer_config.json and special_tokens_map.json (pad "!"); the tests put
  the bundled vocabulary beside them.
- Tokenizer_cases.json: for every prompt of PROMPTS, the ids of `tokenizer(p, add_special_tokens=False)` and of
  `tokenizer(p, padding="max_length", max_length=77, truncation=True)` from `CLIPTokenizer.from_pretrained` of:
  `sd15` (the bundled full vocabulary with SD 1.5's tokenizer_config.json / special_tokens_map.json),
  `sd2` (the same vocabulary with SD 2's configs: pad "!"), `small` and `small_json` (the folders above).

ftfy is not installed in the reference env, and transformers 5's tokenizers-backed CLIPTokenizer does not
use it anyway; the fixtures record that behaviour.
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir  # noqa: E402

from transformers import CLIPTokenizer  # noqa: E402

OUT = fixtures_dir("EaselDiffusionTests")
CLIP_VOCAB = os.path.join(ROOT, "Sources", "EaselDiffusion", "Resources", "clip")
MERGES = 400

LONG = ", ".join(f"word{i} number {i}" for i in range(40))
PROMPTS = [
    "",
    "a photo of a cat",
    "A Photo Of A CAT",
    "a photo of an astronaut riding a horse on mars",
    "masterpiece, best quality, 1girl, solo, looking at viewer!!!",
    "Hello, world... (really?) [yes] {no} <maybe> \"quoted\" 'single'",
    "it's don't we're I've I'm you'll he'd IT'S DON'T ''s x'sy 'tis",
    "1234567890 3.14159 1,000,000 2nd 100%",
    "café naïve résumé Ångström façade",
    "cafe\u0301 decomposed e\u0301 (NFC composes it)",
    "İstanbul ΟΔΟΣ Straße ǅemal",
    "日本語のテキスト 中文提示词 한국어",
    "🐱🐶 emoji 👩‍🚀 family 👨‍👩‍👧 flags 🇯🇵 ❤️",
    "   leading and trailing   ",
    "tabs\tand\nnewlines\r\nand\u00a0nbsp\u3000ideographic space",
    "a <|endoftext|> b",
    "a<|endoftext|>b<|startoftext|>c",
    "A <|ENDOFTEXT|> b <|StartOfText|>",
    "<|endoftext|>!! <|endoftext|>",
    "under_score back\\slash sl/ash a-b-c a.b.c",
    "x² ½ Ⅻ ٣ १२",
    "(masterpiece:1.2), ((best quality)), [worst], \\(escaped\\)",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "hello!!! world! ! !!",
    LONG,
]


def AT(content):
    return {"__type": "AddedToken", "content": content, "lstrip": False, "normalized": True, "rstrip": False,
            "single_word": False}


def ST(content):
    return {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}


def write_configs(folder, pad):
    """tokenizer_config.json and special_tokens_map.json as the SD 1.5 (pad <|endoftext|>) and SD 2 (pad "!")
    tokenizer folders hold them."""
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"add_prefix_space": False, "bos_token": AT("<|startoftext|>"), "do_lower_case": True,
                   "eos_token": AT("<|endoftext|>"), "errors": "replace", "model_max_length": 77,
                   "name_or_path": "openai/clip-vit-large-patch14", "pad_token": pad,
                   "special_tokens_map_file": "./special_tokens_map.json", "tokenizer_class": "CLIPTokenizer",
                   "unk_token": AT("<|endoftext|>")}, f, indent=2)
        f.write("\n")
    with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
        json.dump({"bos_token": ST("<|startoftext|>"), "eos_token": ST("<|endoftext|>"), "pad_token": pad,
                   "unk_token": ST("<|endoftext|>")}, f, indent=2)
        f.write("\n")


def full_folder(tmp, name, pad):
    folder = os.path.join(tmp, name)
    os.makedirs(folder)
    shutil.copy(os.path.join(CLIP_VOCAB, "vocab.json"), folder)
    shutil.copy(os.path.join(CLIP_VOCAB, "merges.txt"), folder)
    write_configs(folder, pad)
    return folder


def small_folders():
    """The cut-down tokenizer: every merge result of the first MERGES merges is a token of the cut vocabulary."""
    vocab = json.load(open(os.path.join(CLIP_VOCAB, "vocab.json"), encoding="utf-8"))
    merges = open(os.path.join(CLIP_VOCAB, "merges.txt"), encoding="utf-8").read().split("\n")
    header, merges = merges[0], merges[1:1 + MERGES]
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    small = {token: i for token, i in by_id[:512 + MERGES]}
    small["<|startoftext|>"] = len(small)
    small["<|endoftext|>"] = len(small)
    for merge in merges:
        assert merge.replace(" ", "") in small, merge
    folder = os.path.join(OUT, "Tokenizer_small")
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(small, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join([header] + merges) + "\n")
    write_configs(folder, "<|endoftext|>")
    saved = os.path.join(OUT, "Tokenizer_small_json")
    if os.path.exists(saved):
        shutil.rmtree(saved)
    CLIPTokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"),
                  model_max_length=77).save_pretrained(saved)
    assert sorted(os.listdir(saved)) == ["tokenizer.json", "tokenizer_config.json"], os.listdir(saved)
    return folder, saved


def sd2_configs():
    folder = os.path.join(OUT, "Tokenizer_sd2_configs")
    os.makedirs(folder, exist_ok=True)
    write_configs(folder, "!")


def cases(tokenizer):
    return [{"prompt": p,
             "ids": tokenizer(p, add_special_tokens=False).input_ids,
             "padded": tokenizer(p, padding="max_length", max_length=77, truncation=True).input_ids}
            for p in PROMPTS]


def main():
    small, small_json = small_folders()
    sd2_configs()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in [("sd15", full_folder(tmp, "sd15", "<|endoftext|>")), ("sd2", full_folder(tmp, "sd2", "!")),
                             ("small", small), ("small_json", small_json)]:
            tokenizer = CLIPTokenizer.from_pretrained(folder)
            assert type(tokenizer).__name__ == "CLIPTokenizer"
            out[name] = {"bos": tokenizer.bos_token_id, "eos": tokenizer.eos_token_id, "pad": tokenizer.pad_token_id,
                         "max_length": tokenizer.model_max_length, "cases": cases(tokenizer)}
    path = os.path.join(OUT, "Tokenizer_cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")
    for name in ["Tokenizer_small", "Tokenizer_small_json", "Tokenizer_sd2_configs", "Tokenizer_cases.json"]:
        p = os.path.join(OUT, name)
        size = sum(os.path.getsize(os.path.join(p, x)) for x in os.listdir(p)) if os.path.isdir(p) else os.path.getsize(p)
        print(f"wrote {os.path.relpath(p, ROOT)} ({size / 1e3:.1f} kB)")


if __name__ == "__main__":
    main()
