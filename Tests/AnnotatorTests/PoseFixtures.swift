import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import PoseAnnotator

/// The files Tests/Reference/make_pose_fixtures.py wrote (Pose_*), and the weights it describes.
enum PoseFixtures {
    static let folder = FixtureFolder(.module, writtenBy: "make_pose_fixtures.py")

    struct NetworkCase: Decodable { let seed: Int; let parameters: Int; let input_shape: [Int] }
    struct GaussianCase: Decodable { let width: Int; let height: Int; let input: [Double]; let expected: [Double] }
    struct ParseCase: Decodable { let width: Int; let height: Int; let candidate: [[Double]]; let subset: [[Double]] }
    struct FlowCase: Decodable { let candidate: [[Double]]; let subset: [[Double]] }
    struct Cases: Decodable {
        let network: NetworkCase; let gaussian: GaussianCase; let parse: ParseCase; let flow: FlowCase
    }

    static func cases() throws -> Cases { try folder.decodeJSON(Cases.self, from: "Pose_cases.json") }

    /// The full-size network's weights as the script drew them: one TorchCPUGenerator seeded `seed`, tensor by
    /// tensor in sorted name order, weights times sqrt(2 / fan_in), biases times 0.1 (float32 products).
    static func standardWeights(seed: Int) -> [String: Tensor] {
        var generator = TorchCPUGenerator(seed: seed)
        var tensors: [String: Tensor] = [:]
        let shapes = BodyPoseNetwork.standardShapes
        for name in shapes.keys.sorted() {
            let shape = shapes[name]!
            let scale = name.hasSuffix(".weight") ? Float((2.0 / Double(shape[1] * shape[2] * shape[3])).squareRoot()) : 0.1
            let drawn = generator.normal(shape: shape)
            tensors[name] = Tensor(shape: shape, scalars: drawn.scalars.map { $0 * scale })
        }
        return tensors
    }

    /// A scaled-down network with the real layer names (trunk and stage widths `width`), values from a fixed
    /// generator: enough to run the whole annotator quickly.
    static func tinyWeights(width: Int = 4, seed: Int = 5) -> [String: Tensor] {
        var generator = TorchCPUGenerator(seed: seed)
        var tensors: [String: Tensor] = [:]
        let shapes = BodyPoseNetwork.standardShapes
        // Sorted: a dictionary's order differs between instances, and the draws must not.
        for name in shapes.keys.sorted() {
            let shape = shapes[name]!
            var small = shape
            // Every width but the 3 input and the 38/19 outputs (and the stage input, 57 + trunk) shrinks.
            small[0] = [38, 19].contains(shape[0]) ? shape[0] : width
            if shape.count == 4 {
                small[1] = shape[1] == 3 ? 3 : shape[1] == 185 ? 57 + width : width
            }
            let fanIn = small.count == 4 ? small[1] * small[2] * small[3] : 1
            let scale = small.count == 4 ? Float((2.0 / Double(fanIn)).squareRoot()) : 0.1
            tensors[name] = Tensor(shape: small, scalars: generator.normal(shape: small).scalars.map { $0 * scale })
        }
        return tensors
    }
}
