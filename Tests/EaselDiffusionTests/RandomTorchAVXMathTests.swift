@testable import EaselDiffusion
import EaselTestSupport
import Testing

/// The Swift port of torch's AVX2 log/sin/cos against the numpy model of the same kernel (itself equal to
/// torch.randn), over every input `normal_fill_16_AVX2` can give them: the 2^24 values of 1 - u for the
/// logarithm and of float(2 pi) * u for sine and cosine, u = k 2^-24. The checksums must be equal: 0 differing bits.
@Suite struct RandomTorchAVXMathTests {
    @Test func equalsTheModelOnEveryKernelInput() throws {
        let fixture = try ReferenceFixture("Random_avx_math.safetensors", in: .module)
        let count = 1 << 24
        let twoPi = Float(2.0 * Double.pi)
        var logs = BitPatternHasher()
        var sines = BitPatternHasher()
        var cosines = BitPatternHasher()
        var firstSines: [Float] = []
        for k in 0..<count {
            let u = Float(k) * 0x1p-24
            logs.add(TorchAVXMath.log(1 - u))
            let (sine, cosine) = TorchAVXMath.sincos(twoPi * u)
            sines.add(sine)
            cosines.add(cosine)
            if k < 16 { firstSines.append(sine) }
        }
        #expect(logs.hex == (try fixture.string("log.checksum")))
        #expect(sines.hex == (try fixture.string("sin.checksum")))
        #expect(cosines.hex == (try fixture.string("cos.checksum")))
        #expect(firstSines == (try fixture.tensor("sin.head").scalars))
    }
}
