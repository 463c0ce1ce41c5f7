import EaselTensor
import Foundation

/// PyTorch's CPU random generator: `torch.Generator("cpu").manual_seed(seed)` followed by
/// `torch.randn(shape, generator: g, dtype: torch.float32)` calls, bit for bit on x86-64, with the generator's state
/// carried from one draw to the next as diffusers does (latents, then each scheduler step's noise).
///
/// - Seeds: torch keeps the 64-bit seed but its Mersenne Twister uses only the low 32 bits, so seeds that agree
///   modulo 2^32 draw the same numbers; negative seeds are taken as their 64-bit two's complement, as
///   `Generator.manual_seed` does.
/// - Tensors of 16 or more elements take torch's `normal_fill` path: all n float uniforms first, then Box-Muller on
///   each block of 16 (pairs j, j + 8) with the AVX2 Cephes log/sin/cos of `normal_fill_16_AVX2`. PyTorch's x86
///   builds run that kernel on AVX2 and AVX-512 CPUs alike (the AVX-512 dispatch gives the same bits); only a CPU
///   without AVX2, or `ATEN_CPU_CAPABILITY=default`, would use scalar `logf`/`cosf`/`sinf` instead. When n is
///   not a multiple of 16, 16 fresh uniforms recompute the last 16 outputs.
/// - Tensors of 1 to 15 elements take the serial `at::normal_distribution<double>` path: double uniforms from
///   64-bit draws, Box-Muller in double, the second value of each pair kept in the generator and returned by the
///   next element drawn this way, even in a later call (only reseeding clears it; the 16+ path leaves it alone).
public struct TorchCPUGenerator: RandomSource {
    /// The seed as torch stores it (`g.initial_seed()`).
    public let seed: UInt64
    private var engine: MersenneTwister19937
    /// `CPUGeneratorImpl::next_double_normal_sample_`: the spare value of the last double Box-Muller pair.
    private var cachedDoubleNormal: Double?

    /// `torch.Generator("cpu").manual_seed(seed)` for a seed in [0, 2^64).
    public init(seed: UInt64) {
        self.seed = seed
        engine = MersenneTwister19937(seed: seed)
        cachedDoubleNormal = nil
    }

    /// `torch.Generator("cpu").manual_seed(seed)`; a negative seed means `seed + 2^64`, as in torch.
    public init(seed: Int) {
        self.init(seed: UInt64(bitPattern: Int64(seed)))
    }

    /// `generator->random()`: the next 32-bit output of the Mersenne Twister.
    public mutating func nextUInt32() -> UInt32 { engine.nextUInt32() }

    /// `generator->random64()`: two 32-bit outputs, the first one in the high half.
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(engine.nextUInt32())
        let low = UInt64(engine.nextUInt32())
        return high << 32 | low
    }

    /// `torch.randn(shape, generator: g, dtype: torch.float32)` on the CPU.
    public mutating func normal(shape: [Int]) -> Tensor {
        let count = Tensor.elementCount(shape)
        return Tensor(shape: shape) { buffer in
            if count >= 16 {
                fillNormalInBlocks(buffer)
            } else {
                for i in 0..<count { buffer[i] = Float(nextDoubleNormal()) }
            }
        }
    }

    /// `at::uniform_real_distribution<float>(0, 1)`: the low 24 bits of one draw, times 2^-24.
    private mutating func nextFloatUniform() -> Float {
        Float(nextUInt32() & 0xff_ffff) * 0x1p-24
    }

    /// `at::uniform_real_distribution<double>(0, 1)`: the low 53 bits of a 64-bit draw, times 2^-53.
    private mutating func nextDoubleUniform() -> Double {
        Double(nextUInt64() & ((1 << 53) - 1)) * 0x1p-53
    }

    /// `at::normal_distribution<double>(0, 1)` with torch's one-value cache.
    private mutating func nextDoubleNormal() -> Double {
        let mean = 0.0
        let std = 1.0
        if let cached = cachedDoubleNormal {
            cachedDoubleNormal = nil
            return cached * std + mean
        }
        let u1 = nextDoubleUniform()
        let u2 = nextDoubleUniform()
        let radius = (-2.0 * log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedDoubleNormal = radius * sin(theta)
        return radius * cos(theta) * std + mean
    }

    /// torch's `normal_fill_AVX2` for a contiguous float32 tensor of at least 16 elements.
    private mutating func fillNormalInBlocks(_ data: UnsafeMutableBufferPointer<Float>) {
        let count = data.count
        for i in 0..<count { data[i] = nextFloatUniform() }
        var start = 0
        while start + 16 <= count {
            Self.boxMullerBlock(data, at: start)
            start += 16
        }
        if count % 16 != 0 {
            // torch redraws the last 16 uniforms and recomputes the last 16 outputs from them.
            let tail = count - 16
            for i in tail..<count { data[i] = nextFloatUniform() }
            Self.boxMullerBlock(data, at: tail)
        }
    }

    /// `normal_fill_16_AVX2` with mean 0 and std 1: uniforms (j, j + 8) become normals (j, j + 8) in place.
    private static func boxMullerBlock(_ data: UnsafeMutableBufferPointer<Float>, at start: Int) {
        let twoPi = Float(2.0 * Double.pi)  // _mm256_set1_ps(2.0f * c10::pi<double>)
        let mean: Float = 0
        let std: Float = 1
        for j in start..<(start + 8) {
            let u1 = 1 - data[j]  // [0, 1) -> (0, 1] for the logarithm
            let u2 = data[j + 8]
            let radius = (-2 * TorchAVXMath.log(u1)).squareRoot()
            let (sine, cosine) = TorchAVXMath.sincos(twoPi * u2)
            // _mm256_fmadd_ps(n, std, mean): with mean 0 this also turns a -0 into +0, as the kernel does.
            data[j] = mean.addingProduct(radius * cosine, std)
            data[j + 8] = mean.addingProduct(radius * sine, std)
        }
    }
}
