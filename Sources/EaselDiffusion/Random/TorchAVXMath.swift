/// One lane of the AVX2 Cephes-style `log256_ps` and `sincos256_ps` that PyTorch's CPU `randn` uses on x86
/// (`aten/src/ATen/native/cpu/avx_mathfun.h`, after Julien Pommier's sse_mathfun), reproduced bit for bit.
///
/// PyTorch compiles that file with GCC at `-ffp-contract=fast` and `-mfma`, so GCC fuses a multiply into the
/// add or subtract that consumes it whenever that add is the product's only use. Each `addingProduct` below
/// marks one such fused step, and every other product is rounded on its own, as in the compiled kernel (checked
/// against torch on 3 × 2^24 samples; the plain mul-then-add variant differs in about 1 value in 1,000).
/// Swift does not contract floating-point expressions itself, so the order written here is the order run.
/// The constants are given by bit pattern: the C source's decimal literals rounded to double, then to float.
enum TorchAVXMath {
    // Cephes logf coefficients.
    private static let sqrtHalf = Float(bitPattern: 0x3f35_04f3)  // 0.707106781186547524
    private static let logP0 = Float(bitPattern: 0x3d90_21bb)  // 7.0376836292E-2
    private static let logP1 = Float(bitPattern: 0xbdeb_d1b8)  // -1.1514610310E-1
    private static let logP2 = Float(bitPattern: 0x3def_251a)  // 1.1676998740E-1
    private static let logP3 = Float(bitPattern: 0xbdfe_5d4f)  // -1.2420140846E-1
    private static let logP4 = Float(bitPattern: 0x3e11_e9bf)  // 1.4249322787E-1
    private static let logP5 = Float(bitPattern: 0xbe2a_ae50)  // -1.6668057665E-1
    private static let logP6 = Float(bitPattern: 0x3e4c_ceac)  // 2.0000714765E-1
    private static let logP7 = Float(bitPattern: 0xbe7f_fffc)  // -2.4999993993E-1
    private static let logP8 = Float(bitPattern: 0x3eaa_aaaa)  // 3.3333331174E-1
    private static let logQ1 = Float(bitPattern: 0xb95e_8083)  // -2.12194440e-4
    private static let logQ2 = Float(bitPattern: 0x3f31_8000)  // 0.693359375

    // Cephes sinf/cosf: 4/pi, pi/4 split in three parts (negated) and the two polynomials.
    private static let fourOverPi = Float(bitPattern: 0x3fa2_f983)  // 1.27323954473516
    private static let minusDP1 = Float(bitPattern: 0xbf49_0000)  // -0.78515625
    private static let minusDP2 = Float(bitPattern: 0xb97d_a000)  // -2.4187564849853515625e-4
    private static let minusDP3 = Float(bitPattern: 0xb322_2169)  // -3.77489497744594108e-8
    private static let sinP0 = Float(bitPattern: 0xb94c_a1f9)  // -1.9515295891E-4
    private static let sinP1 = Float(bitPattern: 0x3c08_839e)  // 8.3321608736E-3
    private static let sinP2 = Float(bitPattern: 0xbe2a_aaa3)  // -1.6666654611E-1
    private static let cosP0 = Float(bitPattern: 0x37cc_f5ce)  // 2.443315711809948E-005
    private static let cosP1 = Float(bitPattern: 0xbab6_061a)  // -1.388731625493765E-003
    private static let cosP2 = Float(bitPattern: 0x3d2a_aaa5)  // 4.166664568298827E-002

    private static let signMask: UInt32 = 0x8000_0000

    /// Natural logarithm as `log256_ps` computes it; NaN for `x <= 0` (the kernel only passes values in (0, 1]).
    static func log(_ input: Float) -> Float {
        if !(input > 0) { return .nan }
        // Split into mantissa in [0.5, 1) and exponent (inputs below the smallest normal are clamped to it).
        var x = max(input, Float(bitPattern: 0x0080_0000))
        let biasedExponent = Int32(bitPattern: x.bitPattern >> 23) - 0x7f
        x = Float(bitPattern: (x.bitPattern & ~UInt32(0x7f80_0000)) | Float(0.5).bitPattern)
        var e = Float(biasedExponent) + 1
        // If the mantissa is below sqrt(1/2): e -= 1 and x = 2x - 1, else x = x - 1.
        let belowSqrtHalf = x < sqrtHalf
        let tmp: Float = belowSqrtHalf ? x : 0
        x = x - 1
        e = e - (belowSqrtHalf ? 1 : 0)
        x = x + tmp

        let z = x * x
        var y = logP1.addingProduct(logP0, x)
        y = logP2.addingProduct(y, x)
        y = logP3.addingProduct(y, x)
        y = logP4.addingProduct(y, x)
        y = logP5.addingProduct(y, x)
        y = logP6.addingProduct(y, x)
        y = logP7.addingProduct(y, x)
        y = logP8.addingProduct(y, x)
        y = y * x
        y = (e * logQ1).addingProduct(y, z)  // y * z + e * q1: the first product is the fused one
        y = y.addingProduct(-z, 0.5)  // y - z / 2
        return (x + y).addingProduct(e, logQ2)  // x + y + e * q2
    }

    /// Sine and cosine as `sincos256_ps` computes them (accurate for |x| < 8192; the kernel passes [0, 2 pi)).
    static func sincos(_ input: Float) -> (sin: Float, cos: Float) {
        var signSin = input.bitPattern & signMask
        var x = Float(bitPattern: input.bitPattern & ~signMask)

        // Octant j = (int(x * 4/pi) + 1) & ~1, truncating as cvttps_epi32 does (which gives INT32_MIN out of range).
        let scaled = x * fourOverPi
        var j: Int32 = scaled < 2_147_483_648 ? Int32(scaled) : Int32.min
        j = (j &+ 1) & ~1
        let octant = Float(j)
        let swapSignSin = UInt32(bitPattern: (j & 4) << 29)
        let sinUsesSinPolynomial = (j & 2) == 0
        let signCos = UInt32(bitPattern: (~(j &- 2) & 4) << 29)
        signSin ^= swapSignSin

        // Extended-precision reduction x - j * pi/4, one fused step per part of pi/4.
        x = x.addingProduct(octant, minusDP1)
        x = x.addingProduct(octant, minusDP2)
        x = x.addingProduct(octant, minusDP3)

        let z = x * x
        var yCos = cosP1.addingProduct(cosP0, z)
        yCos = cosP2.addingProduct(yCos, z)
        yCos = yCos * z
        yCos = (-(z * 0.5)).addingProduct(yCos, z)  // yCos * z - z / 2
        yCos = yCos + 1

        var ySin = sinP1.addingProduct(sinP0, z)
        ySin = sinP2.addingProduct(ySin, z)
        ySin = ySin * z
        ySin = x.addingProduct(ySin, x)  // ySin * x + x

        // The kernel blends with masks and adds zeros; doing the same keeps the signs of zero results.
        let sinFromSin: Float = sinUsesSinPolynomial ? ySin : 0
        let sinFromCos: Float = sinUsesSinPolynomial ? 0 : yCos
        let cosFromSin = ySin - sinFromSin
        let cosFromCos = yCos - sinFromCos
        let sine = Float(bitPattern: (sinFromCos + sinFromSin).bitPattern ^ signSin)
        let cosine = Float(bitPattern: (cosFromCos + cosFromSin).bitPattern ^ signCos)
        return (sine, cosine)
    }
}
