import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import PoseAnnotator
import Testing

/// `BodyPoseNetwork` against controlnet_aux's `bodypose_model` run in float64 on the same random weights
/// (the full-size network, 52 M parameters, redrawn here from the script's seed), and its loading checks.
@Suite struct PoseNetworkTests {
    @Test func fullSizeNetworkMatchesTorch() throws {
        let cases = try PoseFixtures.cases()
        let reference = try ReferenceFixture("Pose_network.safetensors", in: .module)
        let weights = PoseFixtures.standardWeights(seed: cases.network.seed)
        #expect(weights.values.reduce(0) { $0 + $1.count } == cases.network.parameters)
        // The redraw is the script's draw: the last tensor drawn starts with the stored values.
        let lastName = weights.keys.sorted().last!
        let head = Array(weights[lastName]!.scalars.prefix(16))
        #expect(head == (try reference.tensor("last_drawn_head")).scalars)

        let network = try BodyPoseNetwork(loading: InMemoryTensorStore(weights))
        let output = network(try reference.tensor("input"))
        let pafError = maxRelativeError(output.partAffinityFields, try reference.tensor("paf"))
        let heatmapError = maxRelativeError(output.heatmaps, try reference.tensor("heatmap"))
        // Measured: PAF 2.5e-7, heatmap 4.1e-7 (max |a - b| / max |b|, float32 against float64 through 6 stages).
        #expect(pafError < 2e-6, "PAF max relative error \(pafError)")
        #expect(heatmapError < 2e-6, "heatmap max relative error \(heatmapError)")
    }

    @Test func loadingChecksNamesAndShapes() throws {
        var weights = PoseFixtures.tinyWeights()
        _ = try BodyPoseNetwork(loading: InMemoryTensorStore(weights))
        #expect(BodyPoseNetwork.tensorNames.count == 2 * (12 + 10 + 5 * 14))

        var missing = weights
        missing["Mconv3_stage4_L2.bias"] = nil
        #expect(throws: WeightError.missing(name: "Mconv3_stage4_L2.bias", expectedShape: [4])) {
            try BodyPoseNetwork(loading: InMemoryTensorStore(missing))
        }
        var leftover = weights
        leftover["model0.conv1_1.weight"] = weights["conv1_1.weight"]
        #expect(throws: WeightError.unexpected(names: ["model0.conv1_1.weight"])) {
            try BodyPoseNetwork(loading: InMemoryTensorStore(leftover))
        }
        // A layer whose input does not match the layer before it.
        weights["conv2_1.weight"] = Tensor(zeros: [4, 5, 3, 3])
        #expect(throws: WeightError.shapeMismatch(name: "conv2_1.weight", expected: [4, 4, 3, 3], actual: [4, 5, 3, 3])) {
            try BodyPoseNetwork(loading: InMemoryTensorStore(weights))
        }
    }

    @Test func readsTheModulesOwnStateDictNames() throws {
        let weights = PoseFixtures.tinyWeights()
        var prefixed: [String: Tensor] = [:]
        for (name, tensor) in weights {
            // bodypose_model's modules: model0 (trunk), modelS_B (stage S, branch B = L1/L2).
            let layer = String(name.split(separator: ".")[0])
            var module = "model0"
            if let range = layer.range(of: "_stage") {
                module = "model\(layer[range.upperBound])_\(layer.last!)"
            } else if layer.hasPrefix("conv5_") {
                module = "model1_\(layer.last!)"
            }
            prefixed["\(module).\(name)"] = tensor
        }
        let input = Tensor(shape: [1, 3, 16, 24], scalars: (0..<(3 * 16 * 24)).map { Float($0 % 7) / 7 - 0.5 })
        let plain = try BodyPoseNetwork(loading: InMemoryTensorStore(weights))(input)
        let fromModule = try BodyPoseNetwork(loading: InMemoryTensorStore(prefixed))(input)
        #expect(plain.heatmaps == fromModule.heatmaps && plain.partAffinityFields == fromModule.partAffinityFields)
    }

    @Test func outputWidthsAreChecked() throws {
        var weights = PoseFixtures.tinyWeights()
        weights["Mconv7_stage6_L2.weight"] = Tensor(zeros: [18, 4, 1, 1])
        weights["Mconv7_stage6_L2.bias"] = Tensor(zeros: [18])
        #expect(throws: WeightError.self) { try BodyPoseNetwork(loading: InMemoryTensorStore(weights)) }
    }
}
