"""Writes the PyTorch checkpoint fixtures of EaselCheckpointTests (the safe .pth/.ckpt reader).

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_pytorch_checkpoint_fixtures.py

Writes under Tests/EaselCheckpointTests/Fixtures/:
- PyTorch_zip.pth: `torch.save` (zip layout) of a dict of tensors in every element type a state dict
  uses (fp32, fp16, bf16, fp64, int64/32/16/8, uint8, bool; float8 and uint16, which torch saves through
  `_rebuild_tensor_v3` and an untyped storage), a scalar, an empty tensor, an nn.Parameter, views
  (transposed, sliced with a storage offset, strided, expanded with stride 0) sharing one storage, a
  nested dict and non-tensor values.
- PyTorch_protocol4.pth: the same with pickle_protocol=4 (FRAME, SHORT_BINUNICODE, MEMOIZE,
  STACK_GLOBAL instead of protocol 2's opcodes).
- PyTorch_legacy.pth: the same object (less float8 and uint16, which torch cannot load from this
  layout) with `_use_new_zipfile_serialization=False`. Its storage keys are object addresses, so the
  script renames them to zero-padded counters in order of first use and rewrites the key list and the
  storage records in that order (torch reads them in key-list order), to make reruns byte-identical.
- PyTorch_ldm.ckpt: a Lightning/LDM-style checkpoint: {"state_dict": {...}, "global_step", "epoch",
  "pytorch-lightning_version", "callbacks": {ModelCheckpoint class: ModelCheckpoint instance holding a
  numpy scalar}} -- the inert objects of the allow-list, pickled exactly as Lightning would (the class is
  faked under its real module name because pytorch_lightning is not installed).
- PyTorch_expected.safetensors: for each fixture file F and tensor T, `F/T` = what `torch.load(F,
  weights_only=True)` gives, `.to(torch.float32).contiguous()`; the Swift reader must match exactly.
- PyTorch_cases.json: per file, its layout, each tensor's dtype, shape, strides and storage offset as
  torch reports them, and the metadata Easel should find; and the hostile files with the global each one
  names (torch's own weights_only loader refuses every one of them too, checked here).
- PyTorch_hostile_*.pth / .pt: pickles that would run code under a plain `torch.load` or `pickle.load`
  (os.system, posix.system, builtins.eval, subprocess.Popen, builtins.getattr, torch.load, a pickled
  nn.Module class), built by hand from raw opcodes in both layouts. Never loaded here without
  weights_only=True.
"""
import io
import json
import os
import struct
import sys
import types
import warnings
import zipfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import ROOT, fixtures_dir, randn, write_safetensors  # noqa: E402

OUT = fixtures_dir("EaselCheckpointTests")
MAGIC = 0x1950A86A20F9469CFC6C


def sample_state(legacy=False):
    base = randn(4, 6, seed=1)
    ints = torch.arange(-6, 6, dtype=torch.int64).reshape(3, 4) * 1_000_003
    sd = {
        "f32": randn(2, 3, seed=2),
        "f16": randn(5, seed=3).half(),
        "bf16": randn(2, 2, 2, seed=4).bfloat16(),
        "f64": randn(3, seed=5).double() * 1e-3,
        "i64": ints,
        "i32": ints.to(torch.int32),
        "i16": torch.tensor([-32768, -1, 0, 7, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, -3, 0, 5, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "f8": (randn(6, seed=6) * 4).to(torch.float8_e4m3fn),
        "u16": torch.tensor([0, 1, 65535], dtype=torch.uint16),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
        "param": torch.nn.Parameter(randn(3, 2, seed=7)),
        # Views of one storage: transposed, offset rows, a strided column pick, a broadcast (stride 0).
        "base": base,
        "transposed": base.t(),
        "rows": base[1:3],
        "strided": base[::2, 1::2],
        "expanded": base[0, :1].expand(3, 4),
        "nested": {"inner": {"w": randn(2, seed=8)}, "x": randn(1, 2, seed=9)},
        "count": 3,
        "name": "not a tensor",
    }
    if legacy:  # torch cannot load untyped storages from the legacy layout, so it has no v3 tensors
        del sd["f8"], sd["u16"]
    return sd


def ldm_state():
    class ModelCheckpoint:  # stands in for pytorch_lightning's callback, pickled under its real name
        pass

    module = types.ModuleType("pytorch_lightning.callbacks.model_checkpoint")
    ModelCheckpoint.__module__ = module.__name__
    ModelCheckpoint.__qualname__ = "ModelCheckpoint"
    module.ModelCheckpoint = ModelCheckpoint
    for name in ["pytorch_lightning", "pytorch_lightning.callbacks", module.__name__]:
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules[module.__name__] = module
    callback = ModelCheckpoint()
    callback.best_model_score = np.float64(0.25)
    callback.monitor = None
    callback.dirpath = "logs/checkpoints"
    sd = {
        "model.diffusion_model.input_blocks.0.0.weight": randn(4, 4, 3, 3, seed=10),
        "model.diffusion_model.input_blocks.0.0.bias": randn(4, seed=11),
        "first_stage_model.decoder.conv_out.weight": randn(3, 4, 3, 3, seed=12).half(),
        "cond_stage_model.transformer.text_model.embeddings.position_ids": torch.arange(8).unsqueeze(0),
        "betas": torch.linspace(1e-4, 2e-2, 10, dtype=torch.float64).float(),
    }
    return {
        "epoch": 6,
        "global_step": 470000,
        "pytorch-lightning_version": "1.4.2",
        "state_dict": sd,
        "callbacks": {ModelCheckpoint: callback},
        "optimizer_states": [],
        "lr_schedulers": [],
    }


ELEMENT_SIZES = {"FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2, "DoubleStorage": 8, "LongStorage": 8,
                 "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1, "BoolStorage": 1}


def make_legacy_reproducible(path):
    """Renames the legacy layout's storage keys (object addresses, sorted, so their order changes from run
    to run) to zero-padded counters of the same length in order of first use, and rewrites the key list
    and the storage records in that order. torch reads the records in the order of the stored key list."""
    import pickle
    data = open(path, "rb").read()
    f = io.BytesIO(data)
    for _ in range(3):
        pickle.load(f)
    first_use = []  # (key, element size)

    class Keys(pickle.Unpickler):
        def persistent_load(self, pid):
            if pid[2] not in [k for k, _ in first_use]:
                first_use.append((pid[2], ELEMENT_SIZES[pid[1]]))

        def find_class(self, module, name):
            if module == "torch" and name in ELEMENT_SIZES:
                return name
            return lambda *a, **k: {}

    Keys(f).load()
    data_end = f.tell()
    keys = pickle.load(f)
    assert sorted(keys) == sorted(k for k, _ in first_use) and len({len(k) for k in keys}) == 1
    sizes = dict(first_use)
    records = {}
    position = f.tell()
    for key in keys:
        count = struct.unpack("<q", data[position:position + 8])[0]
        length = 8 + count * sizes[key]
        records[key] = data[position:position + length]
        position += length
    assert position == len(data)
    head = data[:data_end]
    new_keys = []
    for i, (key, _) in enumerate(first_use):
        new = str(i).zfill(len(key))
        new_keys.append(new)
        head = head.replace(unicode(key), unicode(new))
    tail = pickle.dumps(new_keys, protocol=2) + b"".join(records[key] for key, _ in first_use)
    open(path, "wb").write(head + tail)


def flatten(value, prefix=""):
    out = {}
    for key, item in value.items():
        if isinstance(item, torch.Tensor):
            out[prefix + key] = item
        elif isinstance(item, dict):
            out.update(flatten(item, prefix + key + "."))
    return out


def describe(path, layout, needs_full_unpickler=False):
    # Our own files; the full unpickler only for what weights_only cannot read (FRAME, Lightning objects).
    loaded = torch.load(path, weights_only=not needs_full_unpickler)
    top = loaded
    meta = {}
    while "state_dict" in top:
        meta.update({k: v for k, v in top.items() if k != "state_dict"})
        top = top["state_dict"]
    meta.update(top)
    meta = {k: ("True" if v is True else "False" if v is False else str(v)) for k, v in meta.items()
            if isinstance(v, (int, float, str, bool))}
    tensors = flatten(top)
    case = {"file": os.path.basename(path), "layout": layout, "metadata": meta, "tensors": {}}
    for name, t in tensors.items():
        case["tensors"][name] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                                 "strides": list(t.stride()), "storage_offset": t.storage_offset()}
    return case, {os.path.basename(path) + "/" + k: v.detach().to(torch.float32).contiguous() for k, v in tensors.items()}


# -- hostile pickles, raw opcodes ---------------------------------------------------------------------

def unicode(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def legacy_header():
    """The three pickles before a legacy file's data pickle, as torch writes them."""
    import pickle
    return (pickle.dumps(MAGIC, protocol=2) + pickle.dumps(1001, protocol=2)
            + pickle.dumps({"protocol_version": 1001, "little_endian": True,
                            "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2))


def zip_with_pickle(path, pickle_bytes):
    """A torch-style zip whose data.pkl is `pickle_bytes` (stored, fixed timestamps: reproducible)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, content in [("archive/data.pkl", pickle_bytes), ("archive/byteorder", b"little"),
                              ("archive/version", b"3\n")]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, content)


HOSTILE = [
    # name, bytes, the global Easel must name
    ("PyTorch_hostile_os_system.pth",
     b"\x80\x02cos\nsystem\n" + unicode("echo pwned") + b"\x85R.", "os.system"),
    ("PyTorch_hostile_eval_stack_global.pth",
     b"\x80\x04\x95\x30\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x94"
     + unicode("__import__('os').system('echo pwned')") + b"\x85R.", "builtins.eval"),
    ("PyTorch_hostile_popen_newobj.pth",
     b"\x80\x02csubprocess\nPopen\n" + unicode("echo") + b"\x85\x81.", "subprocess.Popen"),
    ("PyTorch_hostile_inst.pth", b"(" + unicode("echo pwned") + b"ios\nsystem\n.", "os.system"),
    ("PyTorch_hostile_getattr.pth",
     b"\x80\x02c__builtin__\ngetattr\n" + b"ccollections\nOrderedDict\n" + unicode("__init__") + b"\x86R.",
     "__builtin__.getattr"),
    ("PyTorch_hostile_torch_load.pth", b"\x80\x02ctorch\nload\n" + unicode("other.pth") + b"\x85R.", "torch.load"),
]


def main():
    # torch.load warns that the hand-made protocol 4 pickle is not torch's default protocol 2.
    warnings.filterwarnings("ignore", message="Detected pickle protocol")
    cases = []
    expected = {}

    torch.save(sample_state(), os.path.join(OUT, "PyTorch_zip.pth"))
    torch.save(sample_state(), os.path.join(OUT, "PyTorch_protocol4.pth"), pickle_protocol=4)
    legacy = os.path.join(OUT, "PyTorch_legacy.pth")
    torch.save(sample_state(legacy=True), legacy, _use_new_zipfile_serialization=False)
    make_legacy_reproducible(legacy)
    ckpt = os.path.join(OUT, "PyTorch_ldm.ckpt")
    torch.save(ldm_state(), ckpt)
    for name, layout, full in [("PyTorch_zip.pth", "zip", False), ("PyTorch_protocol4.pth", "zip", True),
                                 ("PyTorch_legacy.pth", "legacy", False),
                                 ("PyTorch_ldm.ckpt", "zip", True)]:
        case, tensors = describe(os.path.join(OUT, name), layout, full)
        cases.append(case)
        expected.update(tensors)
    # The LDM file needs the allow-listed objects; torch's own safe loader refuses its callbacks.
    try:
        torch.load(ckpt, weights_only=True)
        raise SystemExit("expected weights_only to refuse the Lightning callback")
    except Exception as error:  # noqa: BLE001
        assert "ModelCheckpoint" in str(error) or "pytorch_lightning" in str(error), error

    hostile = []
    for name, body, global_name in HOSTILE:
        path = os.path.join(OUT, name)
        open(path, "wb").write(legacy_header() + body)
        hostile.append({"file": name, "global": global_name})
    # posix.system hidden in a zip layout's data.pkl, and a whole nn.Module pickled (its class).
    zip_with_pickle(os.path.join(OUT, "PyTorch_hostile_posix_zip.pt"),
                    b"\x80\x02cposix\nsystem\n" + unicode("echo pwned") + b"\x85R.")
    hostile.append({"file": "PyTorch_hostile_posix_zip.pt", "global": "posix.system"})
    torch.manual_seed(0)
    torch.save(torch.nn.Linear(2, 2), os.path.join(OUT, "PyTorch_hostile_module.pt"))
    hostile.append({"file": "PyTorch_hostile_module.pt", "global": "torch.nn.modules.linear.Linear"})
    for case in hostile:
        try:
            torch.load(os.path.join(OUT, case["file"]), weights_only=True)
            raise SystemExit(f"torch's weights_only loader accepted {case['file']}")
        except Exception as error:  # noqa: BLE001
            assert "Weights only load failed" in str(error) or "Unsupported" in str(error), (case, error)

    write_safetensors(os.path.join(OUT, "PyTorch_expected.safetensors"), expected, {})
    with open(os.path.join(OUT, "PyTorch_cases.json"), "w") as f:
        json.dump({"files": cases, "hostile": hostile}, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT) if n.startswith("PyTorch_"))
    print(f"wrote {len([n for n in os.listdir(OUT) if n.startswith('PyTorch_')])} PyTorch_* fixtures, {total / 1e3:.1f} kB")


if __name__ == "__main__":
    main()
