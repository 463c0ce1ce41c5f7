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
  `sd2` (the same vocabulary with SD 2's configs: pad "!"), `small` and `small_json` (the folders above);
  PROMPTS is followed by 150 random strings (`random_prompts`), whose padded ids are not stored.
- Prompt_attention.json: AUTOMATIC1111's `parse_prompt_attention` (modules/prompt_parser.py) on ATTENTION_PROMPTS
  and 300 random strings of its tokens, with `tokenize_line`'s chunks (small tokenizer) for the fixed prompts and
  50 of the random ones.
- Prompt_text_encoder/: a random 3-layer CLIPTextModel (width 32, quick_gelu) over the small tokenizer's
  914 ids, in the transformers 5 layout.
- Prompt_cases.json + Prompt_embeddings.safetensors: for each ENCODER_CASES entry, the A1111 chunks (token ids
  and multipliers of `tokenize_line`) and the embeddings [1, 77k, 32] of the prompt and the negative prompt:
  `plain` = diffusers 0.42.1 `StableDiffusionPipeline.encode_prompt` itself (run unbound on a stand-in that
  holds the tokenizer and the float64 text encoder), `a1111` = the A1111 port below. With transformers 5.23
  diffusers' `clip_skip` path raises AttributeError (`text_encoder.text_model` is gone); see
  `with_text_model_alias`.

ftfy is not installed in the reference env, and transformers 5's tokenizers-backed CLIPTokenizer does not
use it anyway; the fixtures record that behaviour.

The A1111 reference is a port of its code (AGPL, so not copied here): `parse_attention` follows
`prompt_parser.parse_prompt_attention`, `A1111Embedder` follows `FrozenCLIPEmbedderWithCustomWordsBase`
(`tokenize_line`, `forward`, `process_tokens`) with `sd_emphasis.EmphasisOriginal`, and `pad_cond_uncond`
follows `CFGDenoiser.pad_cond_uncond` (sd_samplers_cfg_denoiser.py), step for step under A1111's defaults
(emphasis "Original", comma_padding_backtrack 20, no textual inversion). Set A1111_VERBATIM to a folder holding
A1111's own `parse_prompt_attention` (a1111_prompt_parser.py) and `tokenize_line` (a1111_tokenize_line.py) to
assert the port equal to them on every prompt here.
"""
import json
import os
import random
import re
import shutil
import sys
import tempfile
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir  # noqa: E402

import torch  # noqa: E402
from diffusers import StableDiffusionPipeline  # noqa: E402
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer  # noqa: E402

from fixture_util import save_fixture  # noqa: E402
from make_text_encoder_fixtures import randomize, write_weights  # noqa: E402

torch.set_num_threads(2)

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


# Random strings over letters, digits, white space of several kinds, punctuation, accents, combining marks,
# other scripts, emoji with joiners, special-token literals and contractions (seeded, so reruns are equal).
RANDOM_POOL = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") * 3
               + list(" \t\n\r\x0b\x0c\u00a0\u2003\u3000") * 2 + list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") * 2
               + list("éèêëÉàçñøåßœæİıΣσςΩωЖждЯ日本語中文한국ئعربيةहिन्दी١٢٣²½Ⅻ\u0301\u0308\u200b\u200d\ufeff"
                      "🐱🐶👩‍🚀🇯🇵❤️\u2764\ufe0f©®™€£¥•…—–“”‘’«»")
               + ["<|endoftext|>", "<|startoftext|>", "<|ENDOFTEXT|>", "'s", "'S", "'ll", "'re", "'ve", "'d", "'m",
                  "'t", "!!!", "BREAK"])
RANDOM_WORDS = ["cat", "dog", "masterpiece", "quality", "photo", "of", "the", "highly", "detailed", "renaissance"]


def random_prompts(count, seed):
    rng = random.Random(seed)
    return ["".join(rng.choice(RANDOM_POOL) if rng.random() < 0.7 else " " + rng.choice(RANDOM_WORDS)
                    for _ in range(rng.randint(0, 30))) for _ in range(count)]


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
    """The fixed prompts with both calls; the random ones (to keep the file small) without the padded call."""
    fixed = [{"prompt": p,
              "ids": tokenizer(p, add_special_tokens=False).input_ids,
              "padded": tokenizer(p, padding="max_length", max_length=77, truncation=True).input_ids}
             for p in PROMPTS]
    return fixed + [{"prompt": p, "ids": tokenizer(p, add_special_tokens=False).input_ids}
                    for p in random_prompts(150, seed=7)]


# ---------------------------------------------------------------------------------------------------------
# AUTOMATIC1111's prompt syntax, chunking and emphasis (a port; see the module docstring).

# The tokens of A1111's `re_attention`, in its order: the escapes \( \) \[ \] \\, a lone backslash, the
# brackets, ":weight)", the closing brackets, a run of plain text, a lone colon.
ATTENTION_TOKEN = re.compile(r"\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:([+-]?[.\d]+)\)|\)|]|[^\\()\[\]:]+|:")
BREAK_SEPARATOR = re.compile(r"\s*\bBREAK\b\s*", re.S)
ROUND, SQUARE = 1.1, 1 / 1.1


def parse_attention(prompt):
    """[[text, weight], ...]: A1111's `parse_prompt_attention`. ["BREAK", -1] marks a BREAK."""
    pieces = []
    open_round, open_square = [], []

    def scale_from(start, factor):
        for piece in pieces[start:]:
            piece[1] *= factor

    for match in ATTENTION_TOKEN.finditer(prompt):
        token, weight = match.group(0), match.group(1)
        if token.startswith("\\"):
            pieces.append([token[1:], 1.0])
        elif token == "(":
            open_round.append(len(pieces))
        elif token == "[":
            open_square.append(len(pieces))
        elif weight is not None and open_round:
            scale_from(open_round.pop(), float(weight))
        elif token == ")" and open_round:
            scale_from(open_round.pop(), ROUND)
        elif token == "]" and open_square:
            scale_from(open_square.pop(), SQUARE)
        else:
            for index, part in enumerate(BREAK_SEPARATOR.split(token)):
                if index > 0:
                    pieces.append(["BREAK", -1])
                pieces.append([part, 1.0])
    # Brackets left open close at the end of the prompt.
    for start in open_round:
        scale_from(start, ROUND)
    for start in open_square:
        scale_from(start, SQUARE)
    if not pieces:
        pieces = [["", 1.0]]
    # Neighbours of equal weight become one piece.
    index = 0
    while index + 1 < len(pieces):
        if pieces[index][1] == pieces[index + 1][1]:
            pieces[index][0] += pieces[index + 1][0]
            pieces.pop(index + 1)
        else:
            index += 1
    return pieces


class A1111Embedder:
    """A1111's `FrozenCLIPEmbedderWithCustomWords` on a transformers tokenizer and text model, A1111's defaults."""

    chunk_length = 75
    comma_padding_backtrack = 20

    def __init__(self, tokenizer, text_model, clip_stop_at_last_layers, id_pad):
        self.tokenizer = tokenizer
        self.text_model = text_model
        self.clip_stop = clip_stop_at_last_layers  # A1111 "Clip skip": 1 = last layer
        self.comma_token = tokenizer.get_vocab().get(",</w>", None)
        self.id_start = tokenizer.bos_token_id
        self.id_end = tokenizer.eos_token_id
        self.id_pad = id_pad  # SD 1: the end token; A1111's SD 2 wrapper (OpenCLIP) pads with 0

    def tokenize_line(self, line):
        """-> [(tokens, multipliers)], each 77 long: `tokenize_line`."""
        parsed = parse_attention(line)
        tokenized = self.tokenizer([text for text, _ in parsed], truncation=False, add_special_tokens=False)["input_ids"]
        chunks = []
        tokens, multipliers = [], []
        last_comma = -1

        def next_chunk():
            nonlocal tokens, multipliers, last_comma
            missing = self.chunk_length - len(tokens)
            if missing > 0:
                tokens += [self.id_end] * missing
                multipliers += [1.0] * missing
            chunks.append(([self.id_start] + tokens + [self.id_end], [1.0] + multipliers + [1.0]))
            tokens, multipliers = [], []
            last_comma = -1

        for ids, (text, weight) in zip(tokenized, parsed):
            if text == "BREAK" and weight == -1:
                next_chunk()
                continue
            position = 0
            while position < len(ids):
                token = ids[position]
                if token == self.comma_token:
                    last_comma = len(tokens)
                # A full chunk with a comma at most 20 tokens back: the words after the comma move on.
                elif (self.comma_padding_backtrack != 0 and len(tokens) == self.chunk_length and last_comma != -1
                      and len(tokens) - last_comma <= self.comma_padding_backtrack):
                    cut = last_comma + 1
                    moved_tokens, moved_multipliers = tokens[cut:], multipliers[cut:]
                    tokens, multipliers = tokens[:cut], multipliers[:cut]
                    next_chunk()
                    tokens, multipliers = moved_tokens, moved_multipliers
                if len(tokens) == self.chunk_length:
                    next_chunk()
                tokens.append(token)
                multipliers.append(weight)
                position += 1
        if tokens or not chunks:
            next_chunk()
        return chunks

    def process_tokens(self, tokens, multipliers):
        """One chunk -> [1, 77, C]: `process_tokens` with `EmphasisOriginal`, in float64 (the multipliers as
        the float32 values torch.asarray makes of them)."""
        ids = list(tokens)
        if self.id_end != self.id_pad:
            end = ids.index(self.id_end)
            ids[end + 1:] = [self.id_pad] * (len(ids) - end - 1)
        ids = torch.tensor([ids])
        with_text_model_alias(self.text_model)
        with torch.no_grad():
            out = self.text_model(ids, output_hidden_states=True)
            if self.clip_stop > 1:
                z = self.text_model.text_model.final_layer_norm(out.hidden_states[-self.clip_stop])
            else:
                z = out.last_hidden_state
            weights = torch.tensor([multipliers], dtype=torch.float32).double()
            original_mean = z.mean()
            z = z * weights.reshape(weights.shape + (1,)).expand(z.shape)
            new_mean = z.mean()
            return z * (original_mean / new_mean)

    def forward(self, line):
        """[1, 77k, C]: the chunks' embeddings side by side (`forward` for one prompt)."""
        return torch.hstack([self.process_tokens(t, m) for t, m in self.tokenize_line(line)])


def pad_cond_uncond(cond, uncond, empty):
    """`CFGDenoiser.pad_cond_uncond`: the shorter side gets copies of the empty prompt's chunk."""
    repeats = (cond.shape[1] - uncond.shape[1]) // empty.shape[1]
    if repeats < 0:
        cond = torch.cat([cond, empty.repeat((cond.shape[0], -repeats, 1))], axis=1)
    elif repeats > 0:
        uncond = torch.cat([uncond, empty.repeat((uncond.shape[0], repeats, 1))], axis=1)
    return cond, uncond


ATTENTION_PROMPTS = [
    "",
    "normal text",
    "an (important) word",
    "(unbalanced",
    "unbalanced)",
    "[unbalanced",
    "unbalanced]",
    "\\(literal\\]",
    "(unnecessary)(parens)",
    "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
    "((masterpiece)), (best quality:1.2), [[[lowres]]], (red:0.8) [blue:1.5]",
    "(a:1.1)(b:1.1) neighbours of equal weight merge",
    "(negative weight:-0.5) (plus:+1.25) (dot only:.5) (trailing:2.)",
    "(bad weight:1.2.3)",
    "(spaced: 1.2) (spaced :1.2 ) (x:1.5:2) :1.2) unopened",
    "(unicode digits:١.٥) (fullwidth:１.２)",
    "back\\\\slash and \\escaped and a lone \\",
    ":colons: everywhere (:1.3) (a:b:1.2)",
    "a BREAK b",
    "a BREAK",
    "BREAK b",
    "one BREAK BREAK two",
    "(in BREAK brackets:1.3)",
    "notBREAK BREAKnot BREAK_not xBREAK",
    "line\nBREAK\nline",
    "[a:b:0.5] [c|d] AND e",
    "((nested (deep:1.5) [down]) up)",
    "\\((escaped open then group))",
    "日本語 (強調:1.2) [弱い]",
    "a ( spaced ) b [ spaced ] c",
]

# (name, tokenizer folder kind, prompt, negative prompt, clip skip (diffusers' count: 0 = last layer)).
LONG_COMMAS = ", ".join(f"item{i} thing" for i in range(24))
ENCODER_CASES = [
    ("short", "small", "a photo of a cat", "", 0),
    ("weights", "small", "a (red:1.3) ((cat)) on a [blue] mat, \\(escaped\\) (unbalanced", "blurry, (bad hands:1.2)", 1),
    ("break", "small", "first part BREAK second part", "low quality", 0),
    ("long_commas", "small", LONG_COMMAS, "worst quality", 0),
    ("long_negative", "small", "(a cat:1.1)", "bad " + LONG_COMMAS, 2),
    ("empty", "small", "", "", 0),
    ("sd2_pad", "small_sd2", "hello (world:1.2)! [dim] text", "ugly!", 1),
    ("sd2_long", "small_sd2", LONG_COMMAS + " (end:1.4)", "", 0),
]


def small_sd2_folder(tmp):
    folder = os.path.join(tmp, "small_sd2")
    os.makedirs(folder)
    for name in ["vocab.json", "merges.txt"]:
        shutil.copy(os.path.join(OUT, "Tokenizer_small", name), folder)
    write_configs(folder, "!")
    return folder


def text_encoder(tokenizer):
    """A random 3-layer CLIP text model over the small vocabulary, saved as transformers 5 writes it."""
    config = CLIPTextConfig(
        vocab_size=914, hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
        max_position_embeddings=77, hidden_act="quick_gelu", layer_norm_eps=1e-5, projection_dim=16,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=2, pad_token_id=1)
    model = CLIPTextModel(config).eval()
    randomize(model, seed=300)
    folder = os.path.join(OUT, "Prompt_text_encoder")
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        shutil.copy(os.path.join(tmp, "config.json"), folder)
    write_weights(os.path.join(folder, "model.safetensors"),
                  {k: v.detach().clone() for k, v in model.state_dict().items()})
    return model.double()


def with_text_model_alias(model):
    """transformers 5's CLIPTextModel has no `.text_model` (transformers 4's did: CLIPTextTransformer), yet
    diffusers 0.42.1 `encode_prompt(clip_skip=k)` reads `text_encoder.text_model.final_layer_norm`, so in this
    env that call raises AttributeError. The alias gives it the same LayerNorm transformers 4 had there."""
    if not hasattr(model, "text_model"):
        object.__setattr__(model, "text_model", types.SimpleNamespace(final_layer_norm=model.final_layer_norm))
    return model


def diffusers_encode_prompt(tokenizer, model, prompt, negative, clip_skip):
    """diffusers' own `StableDiffusionPipeline.encode_prompt`, on a stand-in pipeline with our two parts."""
    model = with_text_model_alias(model)
    stand_in = types.SimpleNamespace(tokenizer=tokenizer, text_encoder=model, unet=None)
    with torch.no_grad():
        return StableDiffusionPipeline.encode_prompt(
            stand_in, prompt, torch.device("cpu"), 1, True, negative_prompt=negative,
            clip_skip=clip_skip if clip_skip > 0 else None)


def check_against_verbatim(tokenizers):
    """Asserts the port equal to A1111's own functions when A1111_VERBATIM names a folder holding them."""
    folder = os.environ.get("A1111_VERBATIM")
    if not folder:
        return
    sys.path.insert(0, folder)
    from a1111_prompt_parser import parse_prompt_attention
    from a1111_tokenize_line import Base
    prompts = ATTENTION_PROMPTS + random_attention_prompts(300, seed=11) + random_attention_prompts(1000, seed=12)
    for prompt in prompts + [case[2] for case in ENCODER_CASES] + [case[3] for case in ENCODER_CASES]:
        try:
            expected = parse_prompt_attention(prompt)
        except ValueError:
            expected = "ValueError"
        try:
            actual = parse_attention(prompt)
        except ValueError:
            actual = "ValueError"
        assert expected == actual, (prompt, expected, actual)
        for tokenizer in tokenizers:
            if expected == "ValueError":
                continue
            chunks, _ = Base(tokenizer).tokenize_line(prompt)
            port = A1111Embedder(tokenizer, None, 1, tokenizer.eos_token_id).tokenize_line(prompt)
            assert [(c.tokens, c.multipliers) for c in chunks] == port, prompt
    print("A1111 port equal to A1111's parse_prompt_attention and tokenize_line on every prompt")


ATTENTION_POOL = ["(", ")", "[", "]", ":", "\\", "\\(", "\\)", "\\[", "\\]", "\\\\", "1.2", ":1.3)", ":0.5)",
                  ":-1)", ":.5)", ":1.2.3)", ":1.)", " ", "  ", "\n", "BREAK", " BREAK ", "xBREAK", "BREAK_", ",",
                  ", ", "cat", "dog", "quality", "a", "é", "日本", "١.٥", "!", "word"]


def random_attention_prompts(count, seed):
    """Random sequences of the syntax's tokens (seeded)."""
    rng = random.Random(seed)
    return ["".join(rng.choice(ATTENTION_POOL) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def attention_fixture(tokenizer):
    """Every prompt's parse; the chunks (small tokenizer) of the fixed prompts and of the first 50 random ones."""
    cases = []
    random_prompts = random_attention_prompts(300, seed=11)
    chunked = set(ATTENTION_PROMPTS + random_prompts[:50])
    embedder = A1111Embedder(tokenizer, None, 1, tokenizer.eos_token_id)
    for prompt in ATTENTION_PROMPTS + random_prompts:
        try:
            parsed = parse_attention(prompt)
            cases.append({"prompt": prompt, "texts": [t for t, _ in parsed], "weights": [w for _, w in parsed]})
            if prompt in chunked:
                chunks = embedder.tokenize_line(prompt)
                cases[-1]["chunks"] = [{"tokens": t, "multipliers": m} for t, m in chunks]
        except ValueError as error:  # A1111 fails on float("1.2.3")
            cases.append({"prompt": prompt, "error": str(error)})
    path = os.path.join(OUT, "Prompt_attention.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path) / 1e3:.1f} kB)")


def prompt_fixtures(tmp):
    tokenizers = {"small": CLIPTokenizer.from_pretrained(os.path.join(OUT, "Tokenizer_small")),
                  "small_sd2": CLIPTokenizer.from_pretrained(small_sd2_folder(tmp))}
    check_against_verbatim(list(tokenizers.values()))
    attention_fixture(tokenizers["small"])
    model = text_encoder(tokenizers["small"])
    manifest, tensors = [], {}
    for name, kind, prompt, negative, clip_skip in ENCODER_CASES:
        tokenizer = tokenizers[kind]
        embedder = A1111Embedder(tokenizer, model, clip_skip + 1, tokenizer.pad_token_id)
        cond, uncond = embedder.forward(prompt), embedder.forward(negative)
        cond, uncond = pad_cond_uncond(cond, uncond, embedder.forward(""))
        positive, negative_embeds = diffusers_encode_prompt(tokenizer, model, prompt, negative, clip_skip)
        tensors.update({f"{name}.a1111.positive": cond, f"{name}.a1111.negative": uncond,
                        f"{name}.plain.positive": positive, f"{name}.plain.negative": negative_embeds})
        manifest.append({"name": name, "tokenizer": kind, "prompt": prompt, "negative_prompt": negative,
                         "clip_skip": clip_skip,
                         "chunks": [{"tokens": t, "multipliers": m} for t, m in embedder.tokenize_line(prompt)],
                         "negative_chunks": [{"tokens": t, "multipliers": m} for t, m in embedder.tokenize_line(negative)]})
        # How far torch's float32 run is from the float64 reference (for the tests' comments).
        model32 = CLIPTextModel(model.config).eval()
        model32.load_state_dict({k: v.float() for k, v in model.state_dict().items()})
        p32, _ = diffusers_encode_prompt(tokenizer, model32, prompt, negative, clip_skip)
        error = float((p32.double() - positive).abs().max() / positive.abs().max())
        print(f"{name}: a1111 {tuple(cond.shape)} / {tuple(uncond.shape)}; torch float32 plain error {error:.1e}")
    path = os.path.join(OUT, "Prompt_cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path) / 1e3:.1f} kB)")
    save_fixture("EaselDiffusionTests", "Prompt_embeddings", tensors)


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
        prompt_fixtures(tmp)
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
