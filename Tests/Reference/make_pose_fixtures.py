"""Writes the OpenPose fixtures of Tests/AnnotatorTests (files Pose_*): the body network on random weights,
scipy's Gaussian filter, controlnet_aux's parsing and drawing on synthetic maps, and a pose JSON rendered.

Run from the package root:  /work/main/.venv-ref/bin/python Tests/Reference/make_pose_fixtures.py

controlnet_aux 0.0.10's open_pose/{model,body,util}.py are loaded by file path (fixture_util.controlnet_aux_module;
the package __init__ needs torchvision). Every file is reproduced byte for byte by a rerun.

- Pose_network.safetensors: the full-size `bodypose_model` (52 M parameters) is not stored. Its weights are drawn
  with torch.randn from ONE generator seeded NETWORK_SEED, tensor by tensor in sorted body_pose_model.pth key order
  (`conv1_1.bias`, `conv1_1.weight`, ...), weights scaled by sqrt(2 / fan_in) and biases by 0.1 (float32 products);
  the Swift test redraws them with TorchCPUGenerator. Stored: the input, the float64 reference outputs (as float32),
  and the first values of the last tensor drawn, to check the redraw. The reference runs model.double().
- Pose_maps.safetensors (float16 values, exact in float32/float64): synthetic heatmaps (19) and PAFs (38) of two
  people on a 48 x 56 canvas. Body.__call__ runs on them with the network replaced by one returning these maps and
  util.smart_resize/_k replaced by the identity (the canvas is a multiple of 8, so no padding): its parsing code
  runs unchanged. Pose_cases.json holds its candidate and subset (exact doubles), and the Gaussian filter case.
- Pose_maps_drawn.png: draw_poses (util.draw_bodypose on a black canvas) of that result, keypoints normalised
  as OpenposeDetector.detect_poses does.
- Pose_flow_*: Body.__call__ whole on a 48 x 64 image (Pose_flow_input.png) with the network replaced by one
  returning chosen 18 x 23 maps (Pose_flow_maps.safetensors): the input it was fed (Pose_flow_network_input.png,
  BGR bytes) and the candidate/subset found (Pose_cases.json "flow"), computed with Intel IPP off (as system
  OpenCV) and compared with the wheel's IPP result.
- Pose_arms_up.json (copy of ../shared/samples/pose_arms_up.json) and Pose_arms_up.png: the JSON decoded as the
  A1111 extension's decode_json_as_poses does (confidence < 1: absent), normalised by the canvas and drawn.
- Pose_full.json / Pose_full.png: a 200 x 200 pose with hands and a face, drawn with draw_bodypose,
  draw_handpose (matplotlib's hsv_to_rgb quoted: matplotlib is not in the reference environment) and
  draw_facepose.
"""
import json
import math
import os
import shutil
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import SHARED, controlnet_aux_module, fixtures_dir, write_safetensors  # noqa: E402

OUT = fixtures_dir("AnnotatorTests")
NETWORK_SEED = 20250
NETWORK_INPUT = (1, 3, 40, 32)



def open_pose_module(name):
    """controlnet_aux.open_pose.<name> without running open_pose/__init__.py (its face.py needs torchvision):
    a bare package object for controlnet_aux.open_pose, as fixture_util does for controlnet_aux."""
    import importlib
    import importlib.machinery
    import importlib.util

    controlnet_aux_module("util")  # installs the bare controlnet_aux package
    if "controlnet_aux.open_pose" not in sys.modules:
        root = os.path.join(sys.modules["controlnet_aux"].__path__[0], "open_pose")
        spec = importlib.machinery.ModuleSpec("controlnet_aux.open_pose", None, is_package=True)
        package = importlib.util.module_from_spec(spec)
        package.__path__ = [root]
        sys.modules["controlnet_aux.open_pose"] = package
    return importlib.import_module("controlnet_aux.open_pose." + name)


model_module = open_pose_module("model")
pose_util = open_pose_module("util")  # before body: util imports body, as open_pose/__init__ orders it
body_module = open_pose_module("body")


def save(name, tensors, keep_dtypes=False):
    path = os.path.join(OUT, name)
    write_safetensors(path, tensors, {}, keep_dtypes=keep_dtypes)
    print(f"wrote {name} ({os.path.getsize(path) / 1e3:.1f} kB)")


def save_png(array, name):
    Image.fromarray(array).save(os.path.join(OUT, name), optimize=True)
    print(f"wrote {name} ({os.path.getsize(os.path.join(OUT, name)) / 1e3:.1f} kB)")


def network_case():
    model = model_module.bodypose_model()
    # body_pose_model.pth names: the module's state dict without its first component (util.transfer).
    module_names = {".".join(k.split(".")[1:]): k for k in model.state_dict()}
    g = torch.Generator().manual_seed(NETWORK_SEED)
    state = {}
    last = None
    for name in sorted(module_names):
        shape = model.state_dict()[module_names[name]].shape
        if name.endswith(".weight"):
            scale = math.sqrt(2.0 / (shape[1] * shape[2] * shape[3]))
        else:
            scale = 0.1
        value = torch.randn(tuple(shape), generator=g, dtype=torch.float32) * scale
        state[module_names[name]] = value
        last = value
    model.load_state_dict(state)
    x = torch.randn(NETWORK_INPUT, generator=torch.Generator().manual_seed(7), dtype=torch.float32) * 0.3
    with torch.no_grad():
        paf, heat = model.double()(x.double())
    print("network outputs: paf std %.3f, heatmap std %.3f" % (paf.std().item(), heat.std().item()))
    save("Pose_network.safetensors", {
        "input": x, "paf": paf.float(), "heatmap": heat.float(),
        "last_drawn_head": last.flatten()[:16].clone(),
    })
    return sum(v.numel() for v in state.values())


def gaussian_case():
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(3)
    plane = rng.random((17, 23)).astype(np.float32).astype(np.float64)
    return {"width": 23, "height": 17, "input": plane.flatten().tolist(),
            "expected": gaussian_filter(plane, sigma=3).flatten().tolist()}


W, H = 48, 56
# Two people (x, y per part, None: absent), OpenPose's 18 parts.
PEOPLE = [
    [(14, 8), (14, 14), (10, 14), (8, 21), (7, 27), (18, 14), (20, 21), (21, 27), (11, 28), (11, 38), (11, 48),
     (17, 28), (17, 38), (17, 48), (12, 6), (16, 6), (10, 7), (18, 7)],
    [(34, 10), (34, 16), (30, 16), (29, 23), (28, 30), (38, 16), (40, 22), (42, 28), (31, 30), (31, 40), (30, 50),
     (37, 30), (38, 40), (39, 50), (32, 8), (36, 8), None, None],
]


def synthetic_maps():
    rng = np.random.default_rng(11)
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float64)
    heat = np.zeros((19, H, W))
    for person in PEOPLE:
        for part, point in enumerate(person):
            if point is not None:
                d2 = (xs - point[0]) ** 2 + (ys - point[1]) ** 2
                heat[part] = np.maximum(heat[part], 0.9 * np.exp(-d2 / (2 * 1.5 ** 2)))
    heat[:18] += rng.uniform(0, 0.05, (18, H, W))
    heat[18] = 1 - heat[:18].max(axis=0)
    # A lone extra right-wrist peak, so limb matching has a pair to reject.
    heat[4] = np.maximum(heat[4], 0.7 * np.exp(-((xs - 4) ** 2 + (ys - 50) ** 2) / 4.5))
    paf = rng.normal(0, 0.02, (38, H, W))
    for (a, b), (cx, cy) in zip(body_module_limbs(), body_module_map_idx()):
        for person in PEOPLE:
            pa, pb = person[a - 1], person[b - 1]
            if pa is None or pb is None:
                continue
            v = np.array(pb, float) - np.array(pa, float)
            length = np.linalg.norm(v)
            u = v / length
            rx, ry = xs - pa[0], ys - pa[1]
            along = rx * u[0] + ry * u[1]
            across = np.abs(rx * u[1] - ry * u[0])
            inside = (along >= -1) & (along <= length + 1) & (across <= 1.5)
            paf[cx - 19][inside] = u[0]
            paf[cy - 19][inside] = u[1]
    return heat.astype(np.float16), paf.astype(np.float16)


def body_module_limbs():
    return [[2, 3], [2, 6], [3, 4], [4, 5], [6, 7], [7, 8], [2, 9], [9, 10], [10, 11], [2, 12], [12, 13],
            [13, 14], [2, 1], [1, 15], [15, 17], [1, 16], [16, 18], [3, 17], [6, 18]]


def body_module_map_idx():
    return [[31, 32], [39, 40], [33, 34], [35, 36], [41, 42], [43, 44], [19, 20], [21, 22], [23, 24], [25, 26],
            [27, 28], [29, 30], [47, 48], [49, 50], [53, 54], [51, 52], [55, 56], [37, 38], [45, 46]]


class MapsModel(torch.nn.Module):
    """Stands in for bodypose_model: returns the given maps, whatever the input."""

    def __init__(self, paf, heat):
        super().__init__()
        self.dummy = torch.nn.Parameter(torch.zeros(1))
        self.paf, self.heat = paf, heat

    def forward(self, x):
        assert x.shape[2:] == self.heat.shape[1:]
        return torch.from_numpy(self.paf[None]), torch.from_numpy(self.heat[None])


def parse_case():
    heat16, paf16 = synthetic_maps()
    save("Pose_maps.safetensors", {"heatmaps": torch.from_numpy(heat16), "pafs": torch.from_numpy(paf16)},
         keep_dtypes=True)
    body = body_module.Body.__new__(body_module.Body)
    body.model = MapsModel(paf16.astype(np.float32), heat16.astype(np.float32))
    saved = (body_module.util.smart_resize_k, body_module.util.smart_resize)
    body_module.util.smart_resize_k = lambda x, fx, fy: x
    body_module.util.smart_resize = lambda x, s: x
    try:
        candidate, subset = body(np.zeros((H, W, 3), np.uint8))
    finally:
        body_module.util.smart_resize_k, body_module.util.smart_resize = saved
    print(f"synthetic maps: {len(candidate)} peaks, {len(subset)} people")
    # OpenposeDetector.detect_poses: keypoints divided by the canvas; draw_poses: black canvas, draw_bodypose.
    canvas = np.zeros((H, W, 3), np.uint8)
    for person in body_module.Body.format_body_result(candidate, subset):
        keypoints = [body_module.Keypoint(k.x / float(W), k.y / float(H)) if k is not None else None
                     for k in person.keypoints]
        canvas = pose_util.draw_bodypose(canvas, keypoints)
    save_png(canvas, "Pose_maps_drawn.png")
    return {"width": W, "height": H, "candidate": candidate.tolist(), "subset": subset.tolist()}


FLOW_W, FLOW_H = 48, 64


def flow_case():
    """Body.__call__ whole, on a 48 x 64 image, with the network replaced by one that records its input and
    returns chosen low-resolution maps (two people, 18 x 23): the BGR flip, smart_resize_k (Lanczos4 here),
    padding, x / 256 - 0.5, the x8 Lanczos upsampling, unpadding and the INTER_AREA fit, then parsing.
    Run with Intel IPP on (the wheel's result) and off (what system OpenCV computes)."""
    import cv2

    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (FLOW_H, FLOW_W, 3), dtype=np.uint8)
    image[8:56, 16:32] = (200, 150, 90)
    h8, w8 = 23, 18
    ys, xs = np.mgrid[0:h8, 0:w8].astype(np.float64)
    heat = np.zeros((19, h8, w8))
    scale = (h8 * 8 / FLOW_H)  # map pixels per image pixel, over 8
    for person in PEOPLE:
        for part, point in enumerate(person):
            if point is not None:
                px, py = point[0] * FLOW_W / W * scale / 8, point[1] * FLOW_H / H * scale / 8
                heat[part] = np.maximum(heat[part], 0.9 * np.exp(-((xs - px) ** 2 + (ys - py) ** 2) / (2 * 0.6 ** 2)))
    heat[18] = 1 - heat[:18].max(axis=0)
    paf = rng.normal(0, 0.02, (38, h8, w8))
    for (a, b), (cx, cy) in zip(body_module_limbs(), body_module_map_idx()):
        for person in PEOPLE:
            pa, pb = person[a - 1], person[b - 1]
            if pa is None or pb is None:
                continue
            u = np.array(pb, float) - np.array(pa, float)
            u /= np.linalg.norm(u)
            ax, ay = pa[0] * FLOW_W / W * scale / 8, pa[1] * FLOW_H / H * scale / 8
            bx, by = pb[0] * FLOW_W / W * scale / 8, pb[1] * FLOW_H / H * scale / 8
            length = math.hypot(bx - ax, by - ay)
            rx, ry = xs - ax, ys - ay
            along = rx * u[0] + ry * u[1]
            across = np.abs(rx * u[1] - ry * u[0])
            inside = (along >= -0.5) & (along <= length + 0.5) & (across <= 0.75)
            paf[cx - 19][inside] = u[0]
            paf[cy - 19][inside] = u[1]
    heat16, paf16 = heat.astype(np.float16), paf.astype(np.float16)
    save("Pose_flow_maps.safetensors", {"heatmaps": torch.from_numpy(heat16), "pafs": torch.from_numpy(paf16)},
         keep_dtypes=True)
    save_png(image, "Pose_flow_input.png")

    class Recording(MapsModel):
        def forward(self, x):
            self.seen = x.numpy().copy()
            return torch.from_numpy(self.paf[None]), torch.from_numpy(self.heat[None])

    def run():
        body = body_module.Body.__new__(body_module.Body)
        body.model = Recording(paf16.astype(np.float32), heat16.astype(np.float32))
        # detect_poses flips RGB to BGR before Body.__call__.
        candidate, subset = body(image[:, :, ::-1].copy())
        return candidate, subset, body.model.seen

    cv2.ipp.setUseIPP(True)
    with_ipp = run()
    cv2.ipp.setUseIPP(False)
    try:
        own = run()
    finally:
        cv2.ipp.setUseIPP(True)
    seen = own[2]
    assert seen.shape == (1, 3, 184, 144), seen.shape
    # The network input back as 8-bit (x / 256 - 0.5 is exact for every byte): channel order as fed, BGR.
    pixels = np.round((seen[0].transpose(1, 2, 0) + 0.5) * 256).astype(np.uint8)
    assert np.array_equal((pixels.astype(np.float32) / 256 - 0.5), seen[0].transpose(1, 2, 0))
    save_png(pixels, "Pose_flow_network_input.png")
    same = all(np.array_equal(a, b) for a, b in zip(with_ipp[:2], own[:2]))
    print(f"flow: {len(own[0])} peaks, {len(own[1])} people; with IPP the same: {same}")
    case = {"candidate": own[0].tolist(), "subset": own[1].tolist(), "ipp_same": same}
    if not same:  # the wheel's own result, where IPP changes it
        case.update(candidate_ipp=with_ipp[0].tolist(), subset_ipp=with_ipp[1].tolist())
    return case


def json_case():
    # ../shared from the main checkout; a worktree under .wt/ finds it at the workspace root.
    folders = [os.path.join(SHARED, "samples"), "/work/shared/samples"]
    source = next(os.path.join(f, "pose_arms_up.json") for f in folders if os.path.isdir(f))
    shutil.copyfile(source, os.path.join(OUT, "Pose_arms_up.json"))
    with open(source) as f:
        pose = json.load(f)
    width, height = pose["canvas_width"], pose["canvas_height"]
    canvas = np.zeros((height, width, 3), np.uint8)
    for person in pose["people"]:
        numbers = person["pose_keypoints_2d"]
        keypoints = [body_module.Keypoint(x / width, y / height) if c >= 1.0 else None
                     for x, y, c in zip(numbers[0::3], numbers[1::3], numbers[2::3])]
        canvas = pose_util.draw_bodypose(canvas, keypoints)
    save_png(canvas, "Pose_arms_up.png")


def install_matplotlib_colors():
    """draw_handpose imports matplotlib for colors.hsv_to_rgb, which the reference environment lacks: this is
    matplotlib 3.x's hsv_to_rgb, quoted (its float64 steps) for a single [h, s, v]."""
    import types

    def hsv_to_rgb(hsv):
        h, s, v = (np.float64(x) for x in hsv)
        i = int(h * 6.0)
        f = (h * 6.0) - i
        p, q, t = v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f))
        r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]
        if s == 0:
            r = g = b = v
        return np.array([r, g, b])

    matplotlib = types.ModuleType("matplotlib")
    matplotlib.colors = types.SimpleNamespace(hsv_to_rgb=hsv_to_rgb)
    sys.modules.setdefault("matplotlib", matplotlib)


def full_case():
    """A pose JSON with hands and a face (Pose_full.json, written here), drawn as draw_poses does with
    draw_hand and draw_face: body, left hand, right hand, face (Pose_full.png)."""
    install_matplotlib_colors()
    rng = np.random.default_rng(21)
    size = 200
    with open(os.path.join(OUT, "Pose_arms_up.json")) as f:
        body = json.load(f)["people"][0]["pose_keypoints_2d"]
    body = [v * size / 512 if i % 3 != 2 else v for i, v in enumerate(body)]

    def hand(cx, cy):
        points = []
        for k in range(21):
            finger, joint = max(k - 1, 0) // 4, max(k - 1, 0) % 4
            x = cx + (finger - 2) * 9 + (rng.random() - 0.5) if k else cx
            y = cy + (joint + 1) * 8 + rng.random() * 0.5 if k else cy
            points += [round(float(x), 3), round(float(y), 3), 1.0]
        return points

    face = []
    for k in range(70):
        angle = 2 * math.pi * k / 70
        face += [round(43 * size / 512 * math.cos(angle) / 2 + 100, 3), round(18 * math.sin(angle) + 40, 3), 1.0]
    face[0] = 0.0  # x = 0: not drawn (draw_facepose's eps)
    pose = {"canvas_width": size, "canvas_height": size, "people": [{
        "pose_keypoints_2d": body, "hand_left_keypoints_2d": hand(67, 18), "hand_right_keypoints_2d": hand(134, 18),
        "face_keypoints_2d": face}]}
    with open(os.path.join(OUT, "Pose_full.json"), "w") as f:
        json.dump(pose, f)
        f.write("\n")

    def decode(numbers):
        return [body_module.Keypoint(x / size, y / size) if c >= 1.0 else None
                for x, y, c in zip(numbers[0::3], numbers[1::3], numbers[2::3])]

    person = pose["people"][0]
    canvas = np.zeros((size, size, 3), np.uint8)
    canvas = pose_util.draw_bodypose(canvas, decode(person["pose_keypoints_2d"]))
    canvas = pose_util.draw_handpose(canvas, decode(person["hand_left_keypoints_2d"]))
    canvas = pose_util.draw_handpose(canvas, decode(person["hand_right_keypoints_2d"]))
    canvas = pose_util.draw_facepose(canvas, decode(person["face_keypoints_2d"]))
    save_png(canvas, "Pose_full.png")


def tiny_pth_case(width=1, seed=5):
    """Pose_tiny_body.pth: the scaled-down network of PoseFixtures.tinyWeights(width: 1) (the real layer names, widths
    `width` but the 3 inputs, the 38/19 outputs and the 57 + width stage inputs; torch.randn from one generator in
    sorted name order, weights x sqrt(2 / fan_in) in float32, biases x 0.1) as torch.save writes
    body_pose_model.pth, a plain state dict under those names: the Swift test loads it through the pickle reader
    and must get exactly the network it builds itself."""
    model = model_module.bodypose_model()
    module_names = {".".join(k.split(".")[1:]): k for k in model.state_dict()}
    g = torch.Generator().manual_seed(seed)
    state = {}
    for name in sorted(module_names):
        shape = list(model.state_dict()[module_names[name]].shape)
        small = list(shape)
        small[0] = shape[0] if shape[0] in (38, 19) else width
        if len(shape) == 4:
            small[1] = 3 if shape[1] == 3 else (57 + width if shape[1] == 185 else width)
        fan_in = small[1] * small[2] * small[3] if len(small) == 4 else 1
        scale = float(torch.tensor(math.sqrt(2.0 / fan_in), dtype=torch.float32)) if len(small) == 4 else 0.1
        state[name] = torch.randn(tuple(small), generator=g, dtype=torch.float32) * torch.tensor(scale, dtype=torch.float32)
    path = os.path.join(OUT, "Pose_tiny_body.pth")
    torch.save(state, path)
    print(f"wrote {os.path.basename(path)} ({os.path.getsize(path) / 1e3:.1f} kB)")


def main():
    parameters = network_case()
    tiny_pth_case()
    cases = {"network": {"seed": NETWORK_SEED, "parameters": parameters, "input_shape": list(NETWORK_INPUT)},
             "gaussian": gaussian_case(), "parse": parse_case(), "flow": flow_case()}
    json_case()
    full_case()
    with open(os.path.join(OUT, "Pose_cases.json"), "w") as f:
        json.dump(cases, f)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT) if n.startswith("Pose_"))
    print(f"Pose_* fixtures: {total / 1e3:.1f} kB")


if __name__ == "__main__":
    main()
