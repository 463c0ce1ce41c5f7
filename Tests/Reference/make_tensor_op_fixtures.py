"""Writes the fixtures for EaselTensor's non-GEMM ops (Tests/EaselTensorTests/Fixtures/*.safetensors).

One file per op family: normalization, activations, interpolate, pooling, padding, broadcasting, shape_ops.
Each file lists its case names in metadata "cases"; every case stores its input(s) as "<case>.x" (and
"<case>.y", "<case>.weight", ...), the torch output as "<case>.out", and its parameters as "<case>.<param>"
metadata strings. An input shared by several cases is stored once, under its first case's name; the
later cases name it in metadata "<case>.<key>" instead. References are computed in float64 and stored as
float32.

Run from the repository root:  /work/main/.venv-ref/bin/python Tests/Reference/make_tensor_op_fixtures.py
"""
import torch
import torch.nn.functional as F

from fixture_util import randn, save_fixture

TARGET = "EaselTensorTests"
torch.set_grad_enabled(False)


class Cases:
    """Collects tensors and metadata for one fixture file."""

    def __init__(self):
        self.tensors = {}
        self.metadata = {}
        self.names = []
        self.stored = {}  # id(tensor) -> the name it was stored under

    def add(self, name, tensors, **params):
        self.names.append(name)
        for key, value in tensors.items():
            if id(value) in self.stored:
                self.metadata[f"{name}.{key}"] = self.stored[id(value)]
            else:
                self.stored[id(value)] = f"{name}.{key}"
                self.tensors[f"{name}.{key}"] = value
        for key, value in params.items():
            self.metadata[f"{name}.{key}"] = value

    def save(self, file_name):
        self.metadata["cases"] = self.names
        save_fixture(TARGET, file_name, self.tensors, self.metadata)


def d(t):
    return t.to(torch.float64)


def normalization():
    c = Cases()
    # SD resnet / transformer norms: 320 channels in 32 groups, eps 1e-5 and 1e-6. The offset makes the
    # mean far from zero, so a one-pass E[x^2] - E[x]^2 variance would show.
    x = randn(2, 320, 8, 8, seed=1, scale=1.5) + 0.75
    w = randn(320, seed=2)
    b = randn(320, seed=3)
    for eps in (1e-5, 1e-6):
        c.add(f"gn_sd_eps{eps:g}", {"x": x, "weight": w, "bias": b,
                                    "out": F.group_norm(d(x), 32, d(w), d(b), eps)},
              groups=32, epsilon=eps, affine=1)
    x = randn(1, 64, 8, 8, seed=4)
    w, b = randn(64, seed=5), randn(64, seed=6)
    c.add("gn_64", {"x": x, "weight": w, "bias": b, "out": F.group_norm(d(x), 32, d(w), d(b), 1e-5)},
          groups=32, epsilon=1e-5, affine=1)
    x = randn(4, 12, seed=7) * 3 - 2
    c.add("gn_nc_plain", {"x": x, "out": F.group_norm(d(x), 3, None, None, 1e-5)},
          groups=3, epsilon=1e-5, affine=0)
    x = randn(2, 16, 10, seed=8)
    w, b = randn(16, seed=9), randn(16, seed=10)
    c.add("gn_ncl", {"x": x, "weight": w, "bias": b, "out": F.group_norm(d(x), 4, d(w), d(b), 1e-6)},
          groups=4, epsilon=1e-6, affine=1)

    # CLIP text model LayerNorm: [batch, 77 tokens, 768].
    x = randn(2, 77, 768, seed=11)
    w, b = randn(768, seed=12) * 0.2 + 1, randn(768, seed=13) * 0.1
    c.add("ln_clip", {"x": x, "weight": w, "bias": b, "out": F.layer_norm(d(x), (768,), d(w), d(b), 1e-5)},
          epsilon=1e-5, affine=1)
    x = randn(3, 5, 16, seed=14) * 0.01 + 10
    c.add("ln_offset_plain", {"x": x, "out": F.layer_norm(d(x), (16,), None, None, 1e-6)},
          epsilon=1e-6, affine=0)
    c.save("normalization")


def activations():
    c = Cases()
    x = torch.cat([torch.linspace(-12, 12, 2401), randn(2048, seed=20, scale=3)]).reshape(1, -1)
    xd = d(x)
    c.add("silu", {"x": x, "out": F.silu(xd)})
    c.add("gelu", {"x": x, "out": F.gelu(xd)})
    c.add("gelu_tanh", {"x": x, "out": F.gelu(xd, approximate="tanh")})
    c.add("quick_gelu", {"x": x, "out": xd * torch.sigmoid(1.702 * xd)})
    c.add("relu", {"x": x, "out": F.relu(xd)})
    c.add("sigmoid", {"x": x, "out": torch.sigmoid(xd)})
    c.save("activations")


def interpolate():
    c = Cases()

    def case(name, x, mode, size=None, scale=None, align=None):
        kwargs = {"mode": mode}
        params = {"mode": mode}
        if size is not None:
            kwargs["size"] = size
            params["size"] = list(size)
        else:
            kwargs["scale_factor"] = scale
            params["scale"] = list(scale) if isinstance(scale, tuple) else [scale, scale]
        if mode == "bilinear":
            kwargs["align_corners"] = align
            params["align_corners"] = int(align)
        out = F.interpolate(d(x), **kwargs)
        # Nearest copies elements, and bilinear in float32 differs from float64 only in rounding;
        # a disagreement here would mean the float32 kernel maps coordinates differently.
        out32 = F.interpolate(x, **kwargs)
        if mode == "nearest":
            assert torch.equal(out32, out.float()), name
        else:
            assert (out32.double() - out).abs().max() < 1e-5 * out.abs().max(), name
        c.add(name, {"x": x, "out": out}, **params)

    # diffusers Upsample2D: F.interpolate(x, scale_factor=2.0, mode="nearest") on SD's 320-channel map.
    case("nearest_x2_sd", randn(1, 320, 8, 8, seed=30), "nearest", scale=2.0)
    small = randn(2, 3, 7, 9, seed=31)
    # Upsample2D with an odd skip: F.interpolate(x, size=skip size, mode="nearest").
    case("nearest_to_odd", randn(1, 4, 5, 7, seed=32), "nearest", size=(9, 13))
    case("nearest_mixed", small, "nearest", size=(12, 5))
    case("nearest_scale_1.5", small, "nearest", scale=1.5)
    case("nearest_scale_0.6_1.7", small, "nearest", scale=(0.6, 1.7))
    for align in (False, True):
        tag = "ac" if align else "hp"
        case(f"bilinear_up_{tag}", small, "bilinear", size=(13, 17), align=align)
        case(f"bilinear_down_{tag}", small, "bilinear", size=(4, 5), align=align)
        case(f"bilinear_mixed_{tag}", small, "bilinear", size=(3, 20), align=align)
        case(f"bilinear_scale_1.5_{tag}", small, "bilinear", scale=1.5, align=align)
        case(f"bilinear_scale_0.6_2.3_{tag}", small, "bilinear", scale=(0.6, 2.3), align=align)
    c.save("interpolate")


def pooling():
    c = Cases()

    def max_case(name, x, kernel, stride, padding, ceil):
        out = F.max_pool2d(d(x), kernel, stride, padding, ceil_mode=ceil)
        c.add(name, {"x": x, "out": out}, kernel=kernel, stride=stride, padding=padding, ceil_mode=int(ceil))

    def avg_case(name, x, kernel, stride, padding, ceil, include):
        out = F.avg_pool2d(d(x), kernel, stride, padding, ceil_mode=ceil, count_include_pad=include)
        c.add(name, {"x": x, "out": out}, kernel=kernel, stride=stride, padding=padding, ceil_mode=int(ceil),
              count_include_pad=int(include))

    # OpenPose VGG: max pool 2x2 stride 2, floor mode.
    max_case("max_openpose", randn(1, 16, 12, 16, seed=40), 2, 2, 0, False)
    odd = randn(2, 3, 9, 11, seed=41)
    max_case("max_ceil_odd", odd, 2, 2, 0, True)
    max_case("max_floor_odd", odd, 2, 2, 0, False)
    max_case("max_k3_s2_p1_ceil", odd, 3, 2, 1, True)
    max_case("max_k3_s1_p1", odd, 3, 1, 1, False)
    avg_case("avg_k2_s2", odd, 2, 2, 0, False, True)
    avg_case("avg_k3_s2_p1_incl", odd, 3, 2, 1, False, True)
    avg_case("avg_k3_s2_p1_excl", odd, 3, 2, 1, False, False)
    avg_case("avg_k2_s2_ceil_incl", odd, 2, 2, 0, True, True)
    avg_case("avg_k3_s2_p1_ceil_excl", odd, 3, 2, 1, True, False)
    avg_case("avg_k3_s2_p1_ceil_incl", odd, 3, 2, 1, True, True)

    # UperNet's pyramid pooling module: adaptive average pools to 1, 2, 3 and 6.
    x = randn(1, 16, 13, 17, seed=42)
    for size in (1, 2, 3, 6):
        c.add(f"adaptive_{size}", {"x": x, "out": F.adaptive_avg_pool2d(d(x), size)}, output_size=[size, size])
    c.add("adaptive_5x7", {"x": x, "out": F.adaptive_avg_pool2d(d(x), (5, 7))}, output_size=[5, 7])
    x = randn(2, 3, 4, 5, seed=43)
    c.add("adaptive_grow_6", {"x": x, "out": F.adaptive_avg_pool2d(d(x), 6)}, output_size=[6, 6])
    c.save("pooling")


def padding():
    c = Cases()
    x = randn(2, 3, 5, 6, seed=50)

    def case(name, x, pads, mode, value=0.0):
        out = F.pad(d(x), pads, mode=mode, value=value) if mode == "constant" else F.pad(d(x), pads, mode=mode)
        c.add(name, {"x": x, "out": out}, pads=list(pads), mode=mode, value=value)

    # pads are (left, right, top, bottom), as F.pad takes them for the last two axes.
    case("constant_vae", x, (0, 1, 0, 1), "constant")  # diffusers Downsample2D before the stride-2 conv
    case("constant_value", x, (2, 1, 3, 0), "constant", -1.5)
    case("constant_crop", x, (-1, 2, 1, -2), "constant", 0.25)
    case("reflect", x, (2, 3, 1, 4), "reflect")
    case("reflect_max", x, (5, 5, 4, 4), "reflect")
    case("replicate", x, (3, 1, 2, 4), "replicate")
    case("reflect_chw", randn(3, 5, 6, seed=51), (1, 2, 2, 1), "reflect")
    c.save("padding")


def broadcasting():
    c = Cases()
    ops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}

    def case(name, op, x, y):
        c.add(name, {"x": x, "y": y, "out": ops[op](d(x), d(y))}, op=op)

    nchw = randn(2, 32, 8, 8, seed=60)
    case("same_shape_sub", "sub", nchw, randn(2, 32, 8, 8, seed=61))
    case("channel_bias_add", "add", nchw, randn(1, 32, 1, 1, seed=62))
    case("time_embedding_add", "add", nchw, randn(2, 32, 1, 1, seed=63))
    case("channel_scale_div", "div", nchw, torch.rand(1, 32, 1, 1, generator=torch.Generator().manual_seed(64)) + 0.5)
    case("trailing_mul", "mul", randn(2, 77, 64, seed=65), randn(64, seed=66))
    case("trailing_2d_sub", "sub", randn(2, 5, 6, seed=67), randn(5, 6, seed=68))
    case("outer_add", "add", randn(3, 1, 5, seed=69), randn(4, 1, seed=70))
    case("outer_sub_lhs_smaller", "sub", randn(4, 1, seed=71), randn(3, seed=72))
    case("middle_div", "div", randn(2, 3, 4, seed=73),
         torch.rand(2, 1, 4, generator=torch.Generator().manual_seed(74)) + 0.5)
    case("lhs_broadcast_mul", "mul", randn(1, 32, 1, 1, seed=75), nchw)
    # Scalars are stored as 1-element tensors; the test applies them through the Float overloads.
    case("scalar_mul", "mul", nchw, torch.tensor(0.18215))
    case("scalar_add", "add", nchw, torch.tensor(-2.5))
    case("scalar_div", "div", nchw, torch.tensor(3.0))
    case("scalar_first_sub", "sub", torch.tensor(1.25), nchw)
    case("scalar_first_div", "div", torch.tensor(3.0),
         torch.rand(2, 32, 8, 8, generator=torch.Generator().manual_seed(76)) + 0.5)
    c.save("broadcasting")


def shape_ops():
    """Outputs are cloned: torch returns views of the input, which safetensors refuses to store twice."""
    c = Cases()
    x = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5) - 60
    for order in ([0, 2, 3, 1], [0, 2, 1, 3], [3, 1, 0, 2], [0, 1, 2, 3], [1, 0, 3, 2]):
        c.add("permute_" + "".join(map(str, order)), {"x": x, "out": x.permute(*order).clone()}, order=order)
    c.add("transpose_1_3", {"x": x, "out": x.transpose(1, 3).clone()}, axes=[1, 3])
    c.add("transpose_-1_-2", {"x": x, "out": x.transpose(-1, -2).clone()}, axes=[-1, -2])
    parts = [randn(2, n, 4, seed=80 + n) for n in (3, 1, 5)]
    c.add("concat_axis1", {"x0": parts[0], "x1": parts[1], "x2": parts[2], "out": torch.cat(parts, 1)},
          axis=1, count=3)
    parts = [randn(2, 3, n, seed=90 + n) for n in (2, 4)]
    c.add("concat_axis-1", {"x0": parts[0], "x1": parts[1], "out": torch.cat(parts, -1)}, axis=-1, count=2)
    parts = [randn(n, 3, 2, seed=95 + n) for n in (1, 2)]
    c.add("concat_axis0", {"x0": parts[0], "x1": parts[1], "out": torch.cat(parts, 0)}, axis=0, count=2)
    y = randn(2, 9, 4, seed=99)
    pieces = torch.split(y, [3, 1, 5], dim=1)
    c.add("split_3_1_5", {"x": y, **{f"out{i}": p.clone() for i, p in enumerate(pieces)}},
          sizes=[3, 1, 5], axis=1, count=len(pieces))
    for count, axis in ((4, 1), (2, 1), (3, -1), (2, 0)):
        pieces = torch.chunk(y, count, dim=axis)
        c.add(f"chunk_{count}_axis{axis}", {"x": y, **{f"out{i}": p.clone() for i, p in enumerate(pieces)}},
              chunks=count, axis=axis, count=len(pieces))
    c.save("shape_ops")


if __name__ == "__main__":
    normalization()
    activations()
    interpolate()
    pooling()
    padding()
    broadcasting()
    shape_ops()
