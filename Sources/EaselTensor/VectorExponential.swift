/// `exp` on 16 floats at once, for softmax (attention evaluates it on every score: 134 M times per
/// SD self-attention layer at 512x512, where a libm call per element would cost as much as the GEMMs).
///
/// Cephes' `expf` scheme: `exp(x) = 2^k exp(r)` with `k = round(x / ln 2)` and `r = x - k ln 2`
/// (ln 2 split in two parts so `r` is exact), `exp(r)` by a degree-7 polynomial on |r| <= ln(2)/2,
/// and `2^k` built in the exponent bits. Relative error about 1 ulp (below 2e-7) over the normal range;
/// inputs below -87.3 (results under the smallest normal float) give exactly 0, so `exp(-inf) == 0`.
@inline(__always)
func exponential(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let upper = SIMD16<Float>(repeating: 88.3762)
    let lower = SIMD16<Float>(repeating: -87.33654)
    let clamped = x.clamped(lowerBound: lower, upperBound: upper)
    let k = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
    var r = clamped - k * 0.693_359_375
    r = r - k * -2.121_944_4e-4
    let r2 = r * r
    var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    p = p * r2 + r + 1
    // k + 1.5 * 2^23 holds k in its low mantissa bits (exactly, |k| <= 128), so subtracting that
    // constant's bit pattern less the exponent bias and shifting gives the bits of 2^k.
    let shifted = k + 12_582_912
    let bits = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- (0x4B40_0000 - 127)) &<< 23
    var result = p * unsafeBitCast(bits, to: SIMD16<Float>.self)
    result.replace(with: 0, where: x .< lower)
    return result
}
