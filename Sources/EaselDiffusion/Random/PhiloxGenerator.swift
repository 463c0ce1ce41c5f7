import EaselTensor
import Foundation

/// The "NV" / GPU seeds of the AUTOMATIC1111 web UI: what `torch.randn(shape, device: "cuda")` draws after
/// `torch.manual_seed(seed)`, computed on the CPU the way A1111's `--rng`/"Random number generator source: NV"
/// option does (`modules/rng_philox.py`). Written from the algorithm, not from A1111's (AGPL) code.
///
/// torch's CUDA `randn` gives thread i the cuRAND Philox4x32-10 stream with key = seed (low word first) and
/// counter = (offset, 0, i, 0), where offset counts the generator's earlier launches (torch advances its Philox
/// offset by 4 outputs, one block, per launch); element i is the first output of `curand_normal4`'s Box-Muller on
/// words 0 and 1 of that block: sqrt(-2 ln u) sin(v) with u = x 2^-32 + 2^-33 and v = (y + 1/2) 2^-32 2pi.
/// One element per thread, which this assumes, holds while the tensor has no more elements than the launch has
/// threads (SM count x resident threads per SM: 221,184 on an A100, 125,952 on an RTX 3090); a 512x512 latent has
/// 16,384. Beyond that the GPU's grid-stride loop hands later elements the other outputs of earlier threads.
///
/// Exactness: the Philox words are exact (Random123's known-answer vectors). The Box-Muller is evaluated as A1111's
/// port does it, in double precision with accurate `log` and `sin` rounded once to float32, so this matches A1111's
/// CPU "NV" output; the GPU itself computes in float32 with the `__sincosf` hardware approximation, so real CUDA
/// values differ from these (and from A1111's) by up to a few units in the 6th decimal.
public struct PhiloxGenerator: RandomSource {
    /// The 64-bit Philox key, `torch.manual_seed(seed)` / A1111's seed.
    public let seed: UInt64
    /// How many tensors have been drawn: word 0 of each element's counter (torch's Philox offset / 4).
    public private(set) var offset: UInt32 = 0

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// A negative seed means `seed + 2^64`, as `torch.manual_seed` takes it.
    public init(seed: Int) {
        self.init(seed: UInt64(bitPattern: Int64(seed)))
    }

    /// The next `torch.randn(shape, device: "cuda")` (float32), as A1111's NV generator computes it.
    public mutating func normal(shape: [Int]) -> Tensor {
        let count = Tensor.elementCount(shape)
        let key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        let launch = offset
        offset &+= 1
        return Tensor(shape: shape) { buffer in
            for i in 0..<count {
                // The thread index fills counter word 2 (A1111 wraps it at 2^32 as well).
                let words = Self.philox4x32_10(counter: (launch, 0, UInt32(truncatingIfNeeded: i), 0), key: key)
                buffer[i] = Self.boxMullerFirst(words.0, words.1)
            }
        }
    }

    /// Philox4x32 with 10 rounds (Salmon et al. 2011; cuRAND's `curand_Philox4x32_10`): one 128-bit block.
    static func philox4x32_10(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        let multiplier0: UInt64 = 0xD251_1F53
        let multiplier1: UInt64 = 0xCD9E_8D57
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                // The key is bumped by the Weyl constants between rounds.
                k.0 &+= 0x9E37_79B9
                k.1 &+= 0xBB67_AE85
            }
            let product0 = multiplier0 * UInt64(c.0)
            let product1 = multiplier1 * UInt64(c.2)
            c = (
                UInt32(truncatingIfNeeded: product1 >> 32) ^ c.1 ^ k.0,
                UInt32(truncatingIfNeeded: product1),
                UInt32(truncatingIfNeeded: product0 >> 32) ^ c.3 ^ k.1,
                UInt32(truncatingIfNeeded: product0)
            )
        }
        return c
    }

    /// The first value of cuRAND's `_curand_box_muller(x, y)`, in double precision as A1111 evaluates it:
    /// the uint32 words scaled by float32 constants, then rounded once to float32.
    static func boxMullerFirst(_ x: UInt32, _ y: UInt32) -> Float {
        let scale = Double(Float(bitPattern: 0x2f80_0000))  // CURAND_2POW32_INV = 2.3283064e-10f = 2^-32
        let angleScale = Double(Float(bitPattern: 0x30c9_0fdb))  // CURAND_2POW32_INV_2PI = 2.3283064e-10f * 6.2831855f
        let u = Double(x) * scale + scale / 2
        let v = Double(y) * angleScale + angleScale / 2
        let radius = (-2.0 * log(u)).squareRoot()
        return Float(radius * sin(v))
    }
}
