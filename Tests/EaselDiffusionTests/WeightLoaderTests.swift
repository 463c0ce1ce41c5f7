import EaselDiffusion
import EaselTensor
import Testing

@Suite struct WeightLoaderTests {
    static let store = InMemoryTensorStore([
        "conv_in.weight": Tensor(zeros: [8, 4, 3, 3]),
        "conv_in.bias": Tensor(zeros: [8]),
        "mid.attn.to_q.weight": Tensor(zeros: [8, 8, 1, 1]),
        "extra.weight": Tensor(zeros: [2]),
    ])

    @Test func loadsByScopedNameAndRecordsUse() throws {
        let loader = WeightLoader(Self.store)
        let conv = try Conv2D(loading: loader.scope("conv_in"), inChannels: 4, outChannels: 8, kernel: 3, padding: 1)
        #expect(conv.outChannels == 8)
        // A stored 1x1 convolution serves a linear layer of the same extents.
        let q = try Linear(loading: loader.scope("mid").scope("attn").scope("to_q"), inFeatures: 8, outFeatures: 8, bias: false)
        #expect(q.weight.shape == [8, 8])
        #expect(loader.unusedTensorNames() == ["extra.weight"])
        #expect(throws: WeightError.unexpected(names: ["extra.weight"])) { try loader.checkAllUsed() }
        try loader.checkAllUsed(ignoring: { $0.hasPrefix("extra.") })
    }

    @Test func missingAndMisshapedTensorsAreNamed() {
        let loader = WeightLoader(Self.store)
        #expect(throws: WeightError.missing(name: "conv_out.weight", expectedShape: [4, 8, 3, 3])) {
            try Conv2D(loading: loader.scope("conv_out"), inChannels: 8, outChannels: 4, kernel: 3)
        }
        #expect(throws: WeightError.shapeMismatch(name: "conv_in.weight", expected: [8, 4, 1, 1], actual: [8, 4, 3, 3])) {
            try Conv2D(loading: loader.scope("conv_in"), inChannels: 4, outChannels: 8, kernel: 1)
        }
        let message = WeightError.shapeMismatch(name: "a.weight", expected: [1, 2], actual: [3]).description
        #expect(message.contains("a.weight") && message.contains("[3]") && message.contains("[1, 2]"))
    }
}
