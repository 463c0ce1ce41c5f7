"""A numpy model of torch's x86 CPU randn kernel (normal_fill_16_AVX2 with avx_mathfun.h's log256_ps and
sincos256_ps), with GCC's FMA contractions made explicit: the reference Easel's Swift port is checked against
over every input the kernel can see (make_random_fixtures.py). Each fused step below is a product fused into
the add/sub that is its only use, as GCC does at -ffp-contract=fast; this model equals torch.randn bit for bit
(make_random_fixtures.py asserts it on a 2^22-value draw).
"""
import numpy as np

f32 = np.float32


def fma(a, b, c):
    """Correctly rounded float32 a*b + c: the exact product in float64, a round-to-odd sum, one final rounding."""
    a, b, c = (np.asarray(v, f32) for v in (a, b, c))
    p = a.astype(np.float64) * b.astype(np.float64)  # 24 x 24 bits: exact in float64
    cc = c.astype(np.float64)
    s = p + cc
    bp = s - cc
    err = (p - bp) + (cc - (s - bp))  # two-sum: the exact rounding error of s
    odd_fix = (err != 0) & ((s.view(np.int64) & 1) == 0)
    s = np.where(odd_fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    return s.astype(f32)  # rounding a round-to-odd double to float is correctly rounded


def const(v):
    return f32(float(v))


LOG_P = [const(v) for v in ("7.0376836292E-2", "-1.1514610310E-1", "1.1676998740E-1", "-1.2420140846E-1",
                            "1.4249322787E-1", "-1.6668057665E-1", "2.0000714765E-1", "-2.4999993993E-1",
                            "3.3333331174E-1")]
SQRTHF, LOG_Q1, LOG_Q2 = const("0.707106781186547524"), const("-2.12194440e-4"), const("0.693359375")
FOPI = const("1.27323954473516")
DP = [const(v) for v in ("-0.78515625", "-2.4187564849853515625e-4", "-3.77489497744594108e-8")]
SIN_P = [const(v) for v in ("-1.9515295891E-4", "8.3321608736E-3", "-1.6666654611E-1")]
COS_P = [const(v) for v in ("2.443315711809948E-005", "-1.388731625493765E-003", "4.166664568298827E-002")]


def log256(x):
    x = np.asarray(x, f32)
    invalid = x <= 0
    x = np.maximum(x, np.array([0x00800000], np.uint32).view(f32)[0])
    bits = x.view(np.uint32)
    e = ((bits >> 23).astype(np.int32) - 0x7F).astype(f32) + f32(1)
    x = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(f32)
    below = x < SQRTHF
    tmp = np.where(below, x, f32(0))
    x = x - f32(1)
    e = e - np.where(below, f32(1), f32(0))
    x = x + tmp
    z = x * x
    y = fma(LOG_P[0], x, LOG_P[1])
    for p in LOG_P[2:]:
        y = fma(y, x, p)
    y = y * x
    y = fma(y, z, e * LOG_Q1)
    y = fma(-z, f32(0.5), y)
    x = fma(e, LOG_Q2, x + y)
    return np.where(invalid, f32(np.nan), x)


def sincos256(x):
    x = np.asarray(x, f32)
    sign_sin = x.view(np.uint32) & np.uint32(0x80000000)
    x = np.abs(x)
    j = np.trunc(x * FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(f32)
    sign_sin = sign_sin ^ ((j & 4).astype(np.uint32) << np.uint32(29))
    sin_poly = (j & 2) == 0
    sign_cos = (~(j - 2) & 4).astype(np.uint32) << np.uint32(29)
    for dp in DP:
        x = fma(y, dp, x)
    z = x * x
    yc = fma(COS_P[0], z, COS_P[1])
    yc = fma(yc, z, COS_P[2])
    yc = yc * z
    yc = fma(yc, z, -(z * f32(0.5)))
    yc = yc + f32(1)
    ys = fma(SIN_P[0], z, SIN_P[1])
    ys = fma(ys, z, SIN_P[2])
    ys = ys * z
    ys = fma(ys, x, x)
    s2 = np.where(sin_poly, ys, f32(0))
    s1 = np.where(sin_poly, f32(0), yc)
    sine = ((s1 + s2).view(np.uint32) ^ sign_sin).view(f32)
    cosine = (((yc - s1) + (ys - s2)).view(np.uint32) ^ sign_cos).view(f32)
    return sine, cosine


TWO_PI = f32(2 * np.pi)


def box_muller_16(uniforms):
    """normal_fill_16_AVX2 (mean 0, std 1) on blocks of 16 uniforms: pairs (j, j + 8)."""
    d = np.asarray(uniforms, f32).reshape(-1, 16)
    radius = np.sqrt(f32(-2) * log256(f32(1) - d[:, :8]))
    sine, cosine = sincos256(TWO_PI * d[:, 8:])
    return np.concatenate([fma(radius * cosine, f32(1), f32(0)), fma(radius * sine, f32(1), f32(0))], axis=1)


def randn(seed, n):
    """torch.randn(n) from a fresh CPU generator, n >= 16 (MT19937 from numpy's legacy seeding = torch's)."""
    bits = np.random.MT19937(0)
    bits._legacy_seeding(seed & 0xFFFFFFFF)
    raw = bits.random_raw(n + 16)
    u = ((raw & 0xFFFFFF).astype(f32) * f32(2.0**-24)).astype(f32)
    out = u[:n].copy()
    m = n // 16 * 16
    out[:m] = box_muller_16(u[:m]).reshape(-1)
    if n % 16:
        out[n - 16:] = box_muller_16(u[n:n + 16]).reshape(-1)
    return out
