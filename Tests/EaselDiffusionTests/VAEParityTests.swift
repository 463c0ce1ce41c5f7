import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// `AutoencoderKL` against diffusers 0.42.1 `AutoencoderKL` (references in float64 from the same float32
/// weights) on three random models: encode (mean, clamped logvar, std), the seeded sample, and decode.
@Suite struct VAEParityTests {
    /// Max relative error allowed on every output. Measured (debug build, this machine): at most 9.2e-7 over
    /// all outputs of the four models (three_level decoded; the LDM one, checked in `VAELoadingTests`, 4.3e-7);
    /// PyTorch's own float32 run is 5.0e-7 to 5.9e-7 (mean) and 3.5e-7 to 1.3e-6 (decode) from the same
    /// references. The noise must be bit-exact.
    static let tolerance: Float = 2e-6

    @Test(arguments: VAEFixtures.modelNames)
    func encodeSampleAndDecodeMatchDiffusers(model name: String) throws {
        let fixture = try VAEFixtures.outputs()
        let vae = try VAEFixtures.model(name)
        try Self.check(vae, fixture: fixture, prefix: name + ".")
    }

    /// Compares every output of `vae` with the fixture's `<prefix>*` references.
    static func check(_ vae: AutoencoderKL, fixture: ReferenceFixture, prefix: String) throws {
        let image = try fixture.tensor(prefix + "image")
        let posterior = try vae.encode(image)
        for (label, actual) in [("mean", posterior.mean), ("logvar", posterior.logvar), ("std", posterior.std)] {
            let error = maxRelativeError(actual, try fixture.tensor(prefix + label))
            print("VAE \(prefix)\(label): \(error)")
            #expect(error <= tolerance, "\(prefix)\(label)")
        }
        #expect(posterior.mode == posterior.mean)

        // diffusers' DiagonalGaussianDistribution.sample(torch.Generator("cpu").manual_seed(seed)).
        var random = TorchCPUGenerator(seed: try fixture.int(prefix + "seed"))
        var replay = random
        #expect(replay.normal(shape: posterior.mean.shape) == (try fixture.tensor(prefix + "noise")), "bit-exact noise")
        let sample = posterior.sample(using: &random)
        let sampleError = maxRelativeError(sample, try fixture.tensor(prefix + "sample"))
        print("VAE \(prefix)sample: \(sampleError)")
        #expect(sampleError <= tolerance)

        let latents = try fixture.tensor(prefix + "latents")
        let decoded = try vae.decode(latents)
        let decodeError = maxRelativeError(decoded, try fixture.tensor(prefix + "decoded"))
        print("VAE \(prefix)decoded: \(decodeError)")
        #expect(decodeError <= tolerance)
        #expect(decoded.shape == [latents.shape[0], vae.config.outChannels,
                                  latents.shape[2] * vae.downscaleFactor, latents.shape[3] * vae.downscaleFactor])
    }

    /// A 42x26 image (not a multiple of 4): the downsamplers round down as diffusers' do, to 10x6 latents.
    @Test func sizesThatAreNotMultiplesOfTheFactorRoundDown() throws {
        let fixture = try VAEFixtures.outputs()
        let posterior = try VAEFixtures.model("three_level").encode(try fixture.tensor("three_level.odd_image"))
        #expect(posterior.mean.shape == [1, 3, 10, 6])
        for (label, actual) in [("odd_mean", posterior.mean), ("odd_logvar", posterior.logvar)] {
            let error = maxRelativeError(actual, try fixture.tensor("three_level." + label))
            print("VAE three_level.\(label): \(error)")
            #expect(error <= Self.tolerance, "\(label)")
        }
    }

    /// The two_level fixture lowers one logvar channel below -30: it must come out clamped, std exp(-15).
    @Test func logvarIsClampedAsInDiffusers() throws {
        let fixture = try VAEFixtures.outputs()
        let posterior = try VAEFixtures.model("two_level").encode(try fixture.tensor("two_level.image"))
        let (n, c, h, w) = (posterior.logvar.shape[0], posterior.logvar.shape[1], posterior.logvar.shape[2], posterior.logvar.shape[3])
        for b in 0..<n {
            for i in 0..<(h * w) {
                #expect(posterior.logvar.scalars[(b * c + 1) * h * w + i] == -30)
            }
        }
    }

    /// Clamping at both ends, on hand-made moments: logvar 25 -> 20, -40 -> -30, 1 stays.
    @Test func distributionSplitsAndClamps() {
        let moments = Tensor(shape: [1, 4, 1, 2], scalars: [0.5, -1, 2, 3, 25, -40, 1, -30])
        let distribution = DiagonalGaussianDistribution(moments: moments)
        #expect(distribution.mean.scalars == [0.5, -1, 2, 3])
        #expect(distribution.logvar.scalars == [20, -30, 1, -30])
        #expect(distribution.std.shape == [1, 2, 1, 2])
        let expectedStd: [Float] = [expf(10), expf(-15), expf(0.5), expf(-15)]
        #expect(maxRelativeError(distribution.std.scalars, expectedStd) <= 1e-7)
    }

    @Test func downscaleFactorIsTwoToTheLevelsMinusOne() throws {
        #expect(try VAEFixtures.model("two_level").downscaleFactor == 2)
        #expect(try VAEFixtures.model("three_level").downscaleFactor == 4)
        var sd = AutoencoderKLConfig()
        sd.blockOutChannels = [128, 256, 512, 512]
        #expect(sd.downscaleFactor == 8)
    }
}
