"""Writes the fixtures of Tests/EaselImageTests: image files in every PNG flavour, JPEG/WebP/BMP files, and
the reference results of OpenCV resizing, Pillow resizing, the A1111 resize modes, controlnet_aux's HWC3 and
resize_image, Pillow's luma and diffusers' float conversions.

Run from the package root:  .venv-ref/bin/python Tests/Reference/make_image_fixtures.py
(or /work/main/.venv-ref/bin/python on the build machine).

Expected images are stored as 8-bit PNG written by Pillow (lossless and small); Tests/EaselImageTests
reads them with Easel's own PNG reader, whose correctness the PNG tests establish against values computed
here with NumPy (not with Pillow's decoder, which handles 16-bit PNGs differently: see png_cases).
The cases and their parameters are listed in Fixtures/manifest.json.

Reference versions: opencv-python-headless 5.0 here, system OpenCV 4.6 (no Intel IPP) on the Swift side.
The wheels run some INTER_CUBIC resizes through IPP, which rounds differently (by 1) from OpenCV's own
code; those cases also store OpenCV's own result ("expected_without_ipp"). opencv-python 4.6.0.66 gives
the same bytes as 5.0 for every case here, so the version itself makes no difference.
"""
import io
import os
import struct
import sys
import zlib

import cv2
import numpy as np
import torch
from PIL import Image, PngImagePlugin

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_util import (SHARED, controlnet_aux_module, fixtures_dir, print_folder_size,  # noqa: E402
                          save_fixture, webui_resize, with_and_without_ipp, write_manifest)

TARGET = "EaselImageTests"
OUT = fixtures_dir(TARGET)
manifest = {}


def save_png(array, name):
    """Saves a uint8 HxW / HxWx3 / HxWx4 array as PNG under Fixtures/ and returns the name."""
    array = np.ascontiguousarray(array)
    assert array.dtype == np.uint8
    Image.fromarray(array).save(os.path.join(OUT, name), optimize=True)
    return name


def write_bytes(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    return name


# ---------------------------------------------------------------------------------------------------------
# Source images: small crops of the shared samples, odd sizes so no dimension divides evenly.
chelsea = np.array(Image.open(os.path.join(SHARED, "samples", "chelsea.png")).convert("RGB"))
photo = chelsea[60:135, 150:251]  # 101 x 75, RGB: the cat's face
save_png(photo, "photo.png")
gray = np.array(Image.fromarray(photo).convert("L"))
save_png(gray, "gray.png")
# RGBA with every alpha level: alpha ramps across the image.
alpha = np.tile(np.linspace(0, 255, photo.shape[1]).round().astype(np.uint8), (photo.shape[0], 1))
alpha[: photo.shape[0] // 3] = 255
alpha[-photo.shape[0] // 4:] = 0
rgba = np.dstack([photo, alpha])
save_png(rgba, "rgba.png")

# ---------------------------------------------------------------------------------------------------------
# PNG flavours, written by hand so every bit depth / color type / interlace combination is covered.
# Expected 8-bit results are computed with NumPy from the samples, as libpng's transforms define them:
# low-bit gray scaled to 0..255, 16-bit -> round(v / 257), palette -> RGB(A), gray+alpha -> RGBA,
# tRNS color key -> alpha 0 where the color matches.


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """One scanline: a flat list of sample values packed at bit_depth, with filter byte 0."""
    if bit_depth == 16:
        return b"\x00" + b"".join(struct.pack(">H", int(v)) for v in samples)
    if bit_depth == 8:
        return b"\x00" + bytes(int(v) for v in samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for start in range(0, len(samples), per_byte):
        byte = 0
        group = list(samples[start:start + per_byte]) + [0] * (per_byte - len(samples[start:start + per_byte]))
        for v in group:
            byte = (byte << bit_depth) | int(v)
        out.append(byte)
    return b"\x00" + bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def raw_png(samples, bit_depth, color_type, interlace=False, before_idat=(), after_idat=()):
    """samples: H x W x C integer array of raw sample values (palette indices for color type 3)."""
    h, w, c = samples.shape
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            raw += b"".join(pack_row(row.reshape(-1), bit_depth) for row in sub)
    else:
        raw = b"".join(pack_row(row.reshape(-1), bit_depth) for row in samples)
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    for kind, payload in before_idat:
        data += chunk(kind, payload)
    data += chunk(b"IDAT", zlib.compress(raw, 9))
    for kind, payload in after_idat:
        data += chunk(kind, payload)
    return data + chunk(b"IEND", b"")


rng = np.random.default_rng(7)
H, W = 7, 13
png_cases = []


def png_case(name, data, expected, layout, note):
    write_bytes(name, data)
    png_cases.append({"file": name, "expected": save_png(expected, name.replace(".png", ".expected.png")),
                      "layout": layout, "note": note})


def scale16(v):
    # libpng png_set_scale_16: (v * 255 + 32895) >> 16, which equals round(v / 257) for every v.
    return ((v.astype(np.int64) * 255 + 32895) >> 16).astype(np.uint8)


all16 = np.arange(65536)
assert np.array_equal(scale16(all16), np.round(all16 / 257).astype(np.uint8))

g1 = rng.integers(0, 2, (H, W, 1))
png_case("gray1.png", raw_png(g1, 1, 0), (g1[..., 0] * 255).astype(np.uint8), "gray", "1-bit gray")
g2 = rng.integers(0, 4, (H, W, 1))
png_case("gray2_interlaced.png", raw_png(g2, 2, 0, interlace=True), (g2[..., 0] * 85).astype(np.uint8), "gray",
         "2-bit gray, Adam7")
g4 = rng.integers(0, 16, (H, W, 1))
png_case("gray4.png", raw_png(g4, 4, 0), (g4[..., 0] * 17).astype(np.uint8), "gray", "4-bit gray")
g16 = rng.integers(0, 65536, (H, W, 1))
g16[0, :4, 0] = [0, 65535, 128, 32767]
png_case("gray16.png", raw_png(g16, 16, 0), scale16(g16[..., 0]), "gray", "16-bit gray")
key = int(g16[1, 1, 0])
g16t = scale16(g16[..., 0])
png_case("gray16_trns.png", raw_png(g16, 16, 0, before_idat=[(b"tRNS", struct.pack(">H", key))]),
         np.dstack([g16t, g16t, g16t, np.where(g16[..., 0] == key, 0, 255).astype(np.uint8)]), "rgba",
         "16-bit gray with a tRNS color key")
ga8 = rng.integers(0, 256, (H, W, 2))
png_case("gray_alpha8.png", raw_png(ga8, 8, 4),
         np.dstack([ga8[..., 0], ga8[..., 0], ga8[..., 0], ga8[..., 1]]).astype(np.uint8), "rgba", "8-bit gray+alpha")
ga16 = rng.integers(0, 65536, (H, W, 2))
v, a = scale16(ga16[..., 0]), scale16(ga16[..., 1])
png_case("gray_alpha16.png", raw_png(ga16, 16, 4), np.dstack([v, v, v, a]), "rgba", "16-bit gray+alpha")
rgb16 = rng.integers(0, 65536, (H, W, 3))
png_case("rgb16.png", raw_png(rgb16, 16, 2), scale16(rgb16), "rgb", "16-bit RGB")
rgb16i = rng.integers(0, 65536, (H, W, 3))
png_case("rgb16_interlaced.png", raw_png(rgb16i, 16, 2, interlace=True), scale16(rgb16i), "rgb", "16-bit RGB, Adam7")
rgba16 = rng.integers(0, 65536, (H, W, 4))
png_case("rgba16.png", raw_png(rgba16, 16, 6), scale16(rgba16), "rgba", "16-bit RGBA")
rgb8 = rng.integers(0, 4, (H, W, 3)) * 80  # few colors, so the tRNS key matches several pixels
key = rgb8[2, 3]
png_case("rgb8_trns.png", raw_png(rgb8, 8, 2, before_idat=[(b"tRNS", struct.pack(">HHH", *[int(k) for k in key]))]),
         np.dstack([rgb8, np.where((rgb8 == key).all(axis=2), 0, 255)]).astype(np.uint8), "rgba",
         "8-bit RGB with a tRNS color key")
palette = rng.integers(0, 256, (16, 3))
p4 = rng.integers(0, 16, (H, W, 1))
png_case("palette4.png", raw_png(p4, 4, 3, before_idat=[(b"PLTE", bytes(palette.astype(np.uint8).reshape(-1)))]),
         palette[p4[..., 0]].astype(np.uint8), "rgb", "4-bit palette")
trns = rng.integers(0, 256, 10)  # shorter than the palette: entries 10..15 are opaque
alpha_table = np.concatenate([trns, np.full(6, 255)])
p8 = rng.integers(0, 16, (H, W, 1))
png_case("palette8_trns_interlaced.png",
         raw_png(p8, 8, 3, interlace=True, before_idat=[(b"PLTE", bytes(palette.astype(np.uint8).reshape(-1))),
                                                        (b"tRNS", bytes(trns.astype(np.uint8)))]),
         np.dstack([palette[p8[..., 0]], alpha_table[p8[..., 0]]]).astype(np.uint8), "rgba",
         "8-bit palette with tRNS, Adam7")
manifest["png_decode"] = png_cases

# Text chunks: tEXt (Latin-1), zTXt, iTXt (UTF-8, one compressed), before and after the image data.
parameters = ("a cat, oil painting\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, "
              "Seed: 42, Size: 512x512")
texts = {"parameters": parameters, "Title": "caf\u00e9 \u00e0 la cr\u00e8me", "Comment": "zipped " * 20,
         "Description": "unicode \u2713 \u65e5\u672c", "Author": "after the image data",
         "Software": "compressed iTXt \u2603"}
text_png = raw_png(
    rng.integers(0, 256, (H, W, 3)), 8, 2,
    before_idat=[(b"tEXt", b"parameters\x00" + parameters.encode("latin-1")),
                 (b"tEXt", b"Title\x00" + texts["Title"].encode("latin-1")),
                 (b"zTXt", b"Comment\x00\x00" + zlib.compress(texts["Comment"].encode("latin-1"))),
                 (b"iTXt", b"Description\x00\x00\x00\x00\x00" + texts["Description"].encode("utf-8"))],
    after_idat=[(b"tEXt", b"Author\x00" + texts["Author"].encode("latin-1")),
                (b"iTXt", b"Software\x00\x01\x00en\x00Software\x00" + zlib.compress(texts["Software"].encode("utf-8")))])
write_bytes("text.png", text_png)
assert Image.open(io.BytesIO(text_png)).text == texts  # Pillow reads the same text
manifest["png_text"] = {"file": "text.png", "text": texts}

# A Pillow-written PNG with text, as A1111 saves images (PngInfo.add_text).
info = PngImagePlugin.PngInfo()
info.add_text("parameters", parameters)
info.add_text("unicode", "snowman \u2603")  # not Latin-1: Pillow writes iTXt
Image.fromarray(photo[:20, :30]).save(os.path.join(OUT, "pil_text.png"), pnginfo=info)
manifest["pil_text"] = {"file": "pil_text.png", "expected": save_png(photo[:20, :30], "pil_text.expected.png"),
                        "text": {"parameters": parameters, "unicode": "snowman \u2603"}}

# Damaged files.
good = raw_png(rng.integers(0, 256, (16, 16, 3)), 8, 2)
idat = good.index(b"IDAT")
write_bytes("truncated.png", good[: idat + 30])
bad_crc = bytearray(good)
bad_crc[29] ^= 0xFF  # the IHDR CRC
write_bytes("bad_crc.png", bytes(bad_crc))
write_bytes("random.bin", rng.integers(0, 256, 300).astype(np.uint8).tobytes())
write_bytes("empty.png", b"")
Image.fromarray(photo[:8, :8]).save(os.path.join(OUT, "tiny.gif"))
manifest["bad_files"] = {"truncated": "truncated.png", "bad_crc": "bad_crc.png", "random": "random.bin",
                         "empty": "empty.png", "gif": "tiny.gif"}

# ---------------------------------------------------------------------------------------------------------
# Other formats through cv2.imdecode(IMREAD_UNCHANGED), BGR -> RGB. The expected pixels are OpenCV 5.0's
# decode; Pillow's decode of the same file is checked equal here (so the reference is the common answer).
decode_cases = []


def decode_case(name, encoded, note, compare_pil=True):
    write_bytes(name, encoded)
    decoded = cv2.imdecode(np.frombuffer(encoded, np.uint8), cv2.IMREAD_UNCHANGED)
    if decoded.ndim == 3:
        decoded = cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB if decoded.shape[2] == 3 else cv2.COLOR_BGRA2RGBA)
    if compare_pil:
        pil = np.array(Image.open(io.BytesIO(encoded)))
        assert pil.shape == decoded.shape and np.array_equal(pil, decoded), f"{name}: Pillow and OpenCV differ"
    decode_cases.append({"file": name, "expected": save_png(decoded, name.replace(".", "_") + ".expected.png"),
                         "layout": "gray" if decoded.ndim == 2 else {3: "rgb", 4: "rgba"}[decoded.shape[2]],
                         "note": note})


def encode_pil(array, fmt, **options):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, fmt, **options)
    return buffer.getvalue()


decode_cases_src = photo[:48, :64]
decode_case("photo_420.jpg", encode_pil(decode_cases_src, "JPEG", quality=90), "JPEG baseline 4:2:0")
decode_case("photo_444.jpg", encode_pil(decode_cases_src, "JPEG", quality=95, subsampling=0), "JPEG 4:4:4")
decode_case("photo_progressive.jpg", encode_pil(decode_cases_src, "JPEG", quality=85, progressive=True),
            "JPEG progressive")
decode_case("gray.jpg", encode_pil(gray[:48, :64], "JPEG", quality=90), "JPEG grayscale")
decode_case("photo_lossless.webp", encode_pil(decode_cases_src, "WEBP", lossless=True), "WebP lossless")
decode_case("photo_lossy.webp", encode_pil(decode_cases_src, "WEBP", quality=80), "WebP lossy", compare_pil=False)
decode_case("rgba_lossless.webp", encode_pil(rgba[:48, :64], "WEBP", lossless=True, exact=True), "WebP lossless RGBA")
decode_case("photo.bmp", encode_pil(decode_cases_src, "BMP"), "BMP 24-bit")
# 16-bit TIFF (OpenCV's decoder; Easel narrows 16-bit samples to round(v / 257) as for PNG).
tiff16 = rng.integers(0, 65536, (H, W, 3)).astype(np.uint16)
tiff16[0, 0] = [0, 65535, 128]
ok, encoded = cv2.imencode(".tiff", cv2.cvtColor(tiff16, cv2.COLOR_RGB2BGR))
assert ok
write_bytes("rgb16.tiff", encoded.tobytes())
decode_cases.append({"file": "rgb16.tiff", "expected": save_png(scale16(tiff16), "rgb16_tiff.expected.png"),
                     "layout": "rgb", "note": "16-bit RGB TIFF"})
manifest["decode"] = decode_cases

# ---------------------------------------------------------------------------------------------------------
# cv2.resize, every interpolation, shrinking and enlarging, for each layout.
INTERPOLATIONS = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC,
                  "area": cv2.INTER_AREA, "lanczos4": cv2.INTER_LANCZOS4}
sources = {"photo.png": photo, "gray.png": gray, "rgba.png": rgba}
cv_cases = []
for source, array in sources.items():
    sizes = [(37, 29), (173, 96)] if source == "photo.png" else [(43, 31)]
    for name, flag in INTERPOLATIONS.items():
        for w, h in sizes:
            # IPP rounds some INTER_CUBIC resizes differently (max 1): keep OpenCV's own result as well.
            out, own = with_and_without_ipp(lambda: cv2.resize(array, (w, h), interpolation=flag))
            case = {"input": source, "width": w, "height": h, "interpolation": name,
                    "expected": save_png(out, f"cv_{source[:-4]}_{name}_{w}x{h}.png")}
            if not np.array_equal(own, out):
                case["expected_without_ipp"] = save_png(own, f"cv_{source[:-4]}_{name}_{w}x{h}_noipp.png")
            cv_cases.append(case)
manifest["cv_resize"] = cv_cases

# Pillow's Image.resize, every filter, with and without a box.
FILTERS = {"box": Image.Resampling.BOX, "bilinear": Image.Resampling.BILINEAR, "hamming": Image.Resampling.HAMMING,
           "bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS}
pil_cases = []
for source, array in sources.items():
    image = Image.fromarray(array)
    sizes = [(37, 29), (173, 96), (60, 75)] if source == "photo.png" else [(43, 31)]
    for name, flag in FILTERS.items():
        for w, h in sizes:
            out = np.array(image.resize((w, h), flag))
            pil_cases.append({"input": source, "width": w, "height": h, "filter": name, "box": None,
                              "expected": save_png(out, f"pil_{source[:-4]}_{name}_{w}x{h}.png")})
    for box in [(10.5, 3.25, 80.0, 60.75), (0, 0, 101, 0), (0, 75, 101, 75)]:
        out = np.array(image.resize((50, 9), Image.Resampling.BICUBIC, box=box))
        tag = "_".join(str(v).replace(".", "p") for v in box)
        pil_cases.append({"input": source, "width": 50, "height": 9, "filter": "bicubic", "box": list(box),
                          "expected": save_png(out, f"pil_{source[:-4]}_box_{tag}.png")})
manifest["pillow_resize"] = pil_cases

# ---------------------------------------------------------------------------------------------------------
# AUTOMATIC1111 modules/images.py resize_image(resize_mode, im, width, height) with no upscaler
# (upscaler_name None: resize() is im.resize((w, h), resample=LANCZOS)). Ported line for line; `resize`
# may be swapped for cv2.resize to test Easel's .opencv resampler with the same geometry.


def a1111_resize_image(resize_mode, im, width, height, resize=None):
    if resize is None:
        def resize(im, w, h):
            return im.resize((w, h), resample=Image.Resampling.LANCZOS)

    if resize_mode == 0:
        res = resize(im, width, height)
    elif resize_mode == 1:
        ratio = width / height
        src_ratio = im.width / im.height
        src_w = width if ratio > src_ratio else im.width * height // im.height
        src_h = height if ratio <= src_ratio else im.height * width // im.width
        resized = resize(im, src_w, src_h)
        res = Image.new("RGB", (width, height))
        res.paste(resized, box=(width // 2 - src_w // 2, height // 2 - src_h // 2))
    else:
        ratio = width / height
        src_ratio = im.width / im.height
        src_w = width if ratio < src_ratio else im.width * height // im.height
        src_h = height if ratio >= src_ratio else im.height * width // im.width
        resized = resize(im, src_w, src_h)
        res = Image.new("RGB", (width, height))
        res.paste(resized, box=(width // 2 - src_w // 2, height // 2 - src_h // 2))
        if ratio < src_ratio:
            fill_height = height // 2 - src_h // 2
            res.paste(resized.resize((width, fill_height), box=(0, 0, width, 0)), box=(0, 0))
            res.paste(resized.resize((width, fill_height), box=(0, resized.height, width, resized.height)),
                      box=(0, fill_height + src_h))
        elif ratio > src_ratio:
            fill_width = width // 2 - src_w // 2
            res.paste(resized.resize((fill_width, height), box=(0, 0, 0, height)), box=(0, 0))
            res.paste(resized.resize((fill_width, height), box=(resized.width, 0, resized.width, height)),
                      box=(fill_width + src_w, 0))
    return res


def cv_resize(flag):
    return lambda im, w, h: Image.fromarray(cv2.resize(np.array(im), (w, h), interpolation=flag))


mode_cases = []
photo_image = Image.fromarray(photo)
# Targets wider and taller than the 101x75 photo's aspect, enlarging and shrinking. In fill mode a target
# of odd height around an even scaled height (38x51: the photo scales to 38x28) leaves the last row black,
# as in A1111; 64x97 (scaled 64x47) fills exactly.
for w, h in [(96, 48), (64, 97), (38, 51), (160, 90), (40, 50), (101, 75)]:
    for mode in (0, 1, 2):
        out = np.array(a1111_resize_image(mode, photo_image, w, h))
        mode_cases.append({"input": "photo.png", "width": w, "height": h, "mode": mode, "resampler": "pillow:lanczos",
                           "expected": save_png(out, f"a1111_mode{mode}_{w}x{h}.png")})
for mode in (1, 2):
    out = np.array(a1111_resize_image(mode, photo_image, 64, 97, resize=cv_resize(cv2.INTER_LINEAR)))
    mode_cases.append({"input": "photo.png", "width": 64, "height": 97, "mode": mode, "resampler": "opencv:linear",
                       "expected": save_png(out, f"a1111_mode{mode}_64x97_cvlinear.png")})
manifest["resize_modes"] = mode_cases

# ---------------------------------------------------------------------------------------------------------
# controlnet_aux util.HWC3 and util.resize_image, and the A1111 extension's resize_image_with_pad size rule.
util = controlnet_aux_module("util")
horse = np.array(Image.open(os.path.join(SHARED, "samples", "horse.png")))[100:160, 150:230]  # RGBA, soft edges
save_png(horse, "horse_rgba.png")
manifest["hwc3"] = [
    {"input": "rgba.png", "expected": save_png(util.HWC3(rgba), "hwc3_rgba.png")},
    {"input": "horse_rgba.png", "expected": save_png(util.HWC3(horse), "hwc3_horse.png")},
    {"input": "gray.png", "expected": save_png(util.HWC3(gray), "hwc3_gray.png")},
]
detect_cases = []
# photo is 101x75: resolution 96 gives 1.5 x 64 on both sides and 160 gives 2.5 x 64 on the short side,
# NumPy's half-to-even ties; 64 shrinks (INTER_AREA), the others enlarge (INTER_LANCZOS4).
for resolution in (64, 96, 160):
    out = util.resize_image(photo, resolution)
    detect_cases.append({"input": "photo.png", "resolution": resolution, "rule": "controlnetAux",
                         "expected": save_png(out, f"resize_image_{resolution}.png")})


for resolution in (50, 150):
    # resize_image_with_pad(...) then remove_pad(...): the padding added to reach multiples of 64 is cut off.
    out = webui_resize(photo, resolution)
    detect_cases.append({"input": "photo.png", "resolution": resolution, "rule": "webUI",
                         "expected": save_png(out, f"resize_webui_{resolution}.png")})
manifest["detect_resize"] = detect_cases

# Pillow's convert("L") luma.
manifest["luma"] = {"input": "photo.png", "expected": save_png(np.array(photo_image.convert("L")), "luma.png")}

# ---------------------------------------------------------------------------------------------------------
# diffusers VaeImageProcessor: preprocess (to [-1, 1]) and postprocess (to PIL), and the [0, 1] scaling.
from diffusers.image_processor import VaeImageProcessor  # noqa: E402

small = photo[:6, :8]
processor = VaeImageProcessor(do_resize=False)
normalized = processor.preprocess(Image.fromarray(small))[0]  # 3 x 6 x 8, [-1, 1]
zero_one = torch.from_numpy(VaeImageProcessor.pil_to_numpy(Image.fromarray(small))[0]).permute(2, 0, 1)
floats = torch.randn(1, 3, 6, 8, generator=torch.Generator().manual_seed(3)) * 0.7
floats[0, 0, 0, :6] = torch.tensor([-1.5, 1.5, float(2 * (0.5 / 255) - 1), float(2 * (1.5 / 255) - 1), 0.0, 1.0])
postprocessed = np.array(processor.postprocess(floats, output_type="pil")[0])
# Without denormalize diffusers does not clamp; Easel clamps, so compare on values already in [0, 1].
postprocessed_01 = np.array(VaeImageProcessor(do_normalize=False).postprocess(
    floats.clamp(0, 1), output_type="pil", do_denormalize=[False])[0])
save_png(small, "floats_source.png")
save_fixture(TARGET, "float_conversion", {
    "normalized": normalized, "zero_one": zero_one, "floats": floats[0],
    "postprocessed": torch.from_numpy(postprocessed.astype(np.float32)).permute(2, 0, 1),
    "postprocessed_01": torch.from_numpy(postprocessed_01.astype(np.float32)).permute(2, 0, 1),
}, {"source": "floats_source.png"})

# ---------------------------------------------------------------------------------------------------------
# OpenCV on float32 and the 8-bit Gaussian blur, as annotators call them: cv2.GaussianBlur(x, (0, 0), sigma)
# (controlnet_aux nms: float32, sigma 3; the A1111 extension's scribble_xdog: float32, sigmas 0.5 and 5),
# cv2.resize on float32 heatmaps (OpenPose: INTER_CUBIC). IPP-free results are stored where IPP differs.
float_gray = gray[:40, :48].astype(np.float32)  # small crops: float32 fixtures are 4 bytes a sample
float_photo = photo[:40, :48].astype(np.float32)
opencv_float = {"gray": float_gray, "photo": float_photo}
for tag, make in {
    "blur_gray_3": lambda: cv2.GaussianBlur(float_gray, (0, 0), 3.0),
    "blur_photo_0p5": lambda: cv2.GaussianBlur(float_photo, (0, 0), 0.5),
    "blur_photo_5": lambda: cv2.GaussianBlur(float_photo, (0, 0), 5.0),
    "resize_gray_cubic": lambda: cv2.resize(float_gray, (61, 53), interpolation=cv2.INTER_CUBIC),
    "resize_photo_linear": lambda: cv2.resize(float_photo, (21, 17), interpolation=cv2.INTER_LINEAR),
    "blur_u8_photo_3": lambda: cv2.GaussianBlur(photo[:40, :48], (0, 0), 3.0).astype(np.float32),
}.items():
    with_ipp, own = with_and_without_ipp(make)
    opencv_float[tag] = with_ipp
    if not np.array_equal(with_ipp, own):
        opencv_float[tag + "_noipp"] = own
        print(f"{tag}: IPP differs by up to {np.abs(with_ipp.astype(np.float64) - own).max()}")
save_fixture(TARGET, "opencv_float", {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in opencv_float.items()})

write_manifest(OUT, manifest)
print_folder_size(OUT)
print(f"OpenCV {cv2.__version__}, Pillow {Image.__version__}")
