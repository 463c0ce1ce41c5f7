import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// `TorchCPUGenerator` against `torch.Generator("cpu").manual_seed(seed)` + successive `torch.randn` calls,
/// bit for bit: every draw of every case must have 0 differing bit patterns (stored values and whole-tensor checksum).
@Suite struct RandomTorchCPUGeneratorTests {
    static func fixture() throws -> ReferenceFixture { try ReferenceFixture("Random_torch_cpu.safetensors", in: .module) }
    static let cases = ["seed0", "seed42", "seed2p32p5", "seedLarge", "seedNegative", "eulerAncestral", "long"]

    @Test func fixtureListsTheseCases() throws {
        #expect(try Self.fixture().string("cases") == Self.cases.joined(separator: ","))
    }

    @Test(arguments: cases) func drawsEqualTorchBitForBit(_ name: String) throws {
        let drawCase = try RandomDrawCase(name, in: try Self.fixture())
        var generator: TorchCPUGenerator
        if let seed = UInt64(drawCase.seedText) {
            generator = TorchCPUGenerator(seed: seed)
        } else {
            generator = TorchCPUGenerator(seed: try #require(Int(drawCase.seedText)))
        }
        for (k, draw) in drawCase.draws.enumerated() {
            let sample = generator.normal(shape: draw.shape)
            let mismatches = RandomDrawCase.mismatches(sample, draw)
            #expect(mismatches == 0, "\(name) draw \(k) of shape \(draw.shape)")
        }
    }

    @Test func seedsEqualModulo2To32DrawTheSame() {
        var low = TorchCPUGenerator(seed: 5)
        var high = TorchCPUGenerator(seed: UInt64(1) << 32 + 5)
        #expect(low.normal(shape: [40]) == high.normal(shape: [40]))
        #expect(high.seed == 4_294_967_301)
    }

    @Test func negativeSeedIsItsTwosComplement() {
        var negative = TorchCPUGenerator(seed: -7)
        var unsigned = TorchCPUGenerator(seed: UInt64.max - 6)
        #expect(negative.seed == UInt64.max - 6)
        #expect(negative.normal(shape: [3]) == unsigned.normal(shape: [3]))
    }

    @Test func aCopyReplaysAndEmptyDrawsConsumeNothing() {
        var generator = TorchCPUGenerator(seed: 42)
        _ = generator.normal(shape: [1])  // leaves a cached spare value
        var copy = generator
        #expect(generator.normal(shape: [0, 4]).count == 0)
        #expect(generator.normal(shape: [5]) == copy.normal(shape: [5]))
        #expect(generator.normal(shape: [2, 16]) == copy.normal(shape: [2, 16]))
    }
}
