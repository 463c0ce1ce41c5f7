import EaselDiffusion
import EaselTensor
import Foundation
import Testing

/// Where the SD 1.5 decoder spends its time (zero weights: the ops' speed does not depend on values).
/// Opt-in, as it is a measurement, not a check: `EASEL_VAE_BENCHMARK=<latent side>` (e.g. 32 for 256x256)
/// `swift test --filter VAEBenchmarkTests`; meaningful in a release build.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["EASEL_VAE_BENCHMARK"] != nil))
struct VAEBenchmarkTests {
    static func seconds(_ body: () throws -> Tensor) rethrows -> (Tensor, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    @Test func sd15DecoderStages() throws {
        let side = Int(ProcessInfo.processInfo.environment["EASEL_VAE_BENCHMARK"] ?? "") ?? 32
        let rows = try ConversionFullSizeLayoutTests.layout().filter { $0.ldm.hasPrefix(LDMSingleFile.vaePrefix) }
        let store = VAEFullSizeLayoutTests.ZeroStore(shapes: Dictionary(uniqueKeysWithValues: rows.map { ($0.ldm, $0.shape) }))
        let vae = try AutoencoderKL(singleFile: try #require(LDMSingleFile(store).vae))
        let decoder = vae.decoder
        var (h, t) = Self.seconds { decoder.convIn(Tensor(zeros: [1, 4, side, side])) }
        print("VAE decoder \(side * 8)x\(side * 8): conv_in \(t) s")
        (h, t) = Self.seconds { decoder.midBlock(h) }
        print("VAE decoder: mid block \(t) s")
        for (index, block) in decoder.upBlocks.enumerated() {
            for resnet in block.resnets {
                var parts: [String] = []
                var x: Tensor
                (x, t) = Self.seconds { resnet.norm1(h) }; parts.append("norm1 \(t)")
                (x, t) = Self.seconds { silu(x) }; parts.append("silu \(t)")
                (x, t) = Self.seconds { resnet.conv1(x) }; parts.append("conv1 \(t)")
                (x, t) = Self.seconds { silu(resnet.norm2(x)) }; parts.append("norm2+silu \(t)")
                (x, t) = Self.seconds { resnet.conv2(x) }; parts.append("conv2 \(t)")
                if let shortcut = resnet.shortcut {
                    var s: Tensor
                    (s, t) = Self.seconds { shortcut(h) }; parts.append("shortcut \(t)")
                    x += s
                } else {
                    x += h
                }
                h = x
                print("VAE decoder: up \(index) resnet \(h.shape): " + parts.joined(separator: ", "))
            }
            if let upsampler = block.upsampler {
                (h, t) = Self.seconds { upsampler(h) }
                print("VAE decoder: up \(index) upsampler -> \(h.shape) \(t) s")
            }
        }
        (h, t) = Self.seconds { decoder.convOut(silu(decoder.convNormOut(h))) }
        print("VAE decoder: out \(t) s")
        let (_, total) = try Self.seconds { try vae.decode(Tensor(zeros: [1, 4, side, side])) }
        print("VAE decode total \(total) s")
    }
}
