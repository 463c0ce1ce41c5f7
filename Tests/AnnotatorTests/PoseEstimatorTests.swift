import EaselImage
import EaselTensor
import EaselTestSupport
import Foundation
@testable import PoseAnnotator
import Testing

/// controlnet_aux's `Body.__call__` whole on a 48 x 64 image, the network replaced on both sides by chosen
/// 18 x 23 maps (two people): the network input (BGR, scaled by Lanczos4, padded with 128, x / 256 - 0.5) and
/// the people found after the x8 Lanczos upsampling, unpadding and INTER_AREA fit. Exact (the wheel's result
/// is the same with Intel IPP on and off here, checked by the script).
@Suite struct PoseEstimatorTests {
    @Test func bodyCallIsControlnetAuxs() throws {
        let expected = try PoseFixtures.cases().flow
        let image = try PoseFixtures.folder.image("Pose_flow_input.png")
        let file = try ReferenceFixture("Pose_flow_maps.safetensors", in: .module)
        let chosen = BodyPoseNetwork.Output(
            partAffinityFields: try file.tensor("pafs").reshaped([1, 38, 23, 18]),
            heatmaps: try file.tensor("heatmaps").reshaped([1, 19, 23, 18]))
        var seen: Tensor?
        let maps = try BodyPoseEstimator.maps(for: image) { input in
            seen = input
            return chosen
        }
        #expect(maps.width == 48 && maps.height == 64)

        let input = try #require(seen)
        #expect(input.shape == [1, 3, 184, 144])
        let fed = try PoseFixtures.folder.image("Pose_flow_network_input.png")
        let plane = 184 * 144
        var differing = 0
        for c in 0..<3 {
            for y in 0..<184 {
                for x in 0..<144 where input.scalars[c * plane + y * 144 + x] != Float(fed[x, y, c]) / 256 - 0.5 {
                    differing += 1
                }
            }
        }
        #expect(differing == 0, "\(differing) network input values differ")

        let result = BodyPoseParser.parse(maps)
        let candidates = result.candidates.map { [Double($0.x), Double($0.y), $0.score, Double($0.id)] }
        #expect(candidates == expected.candidate)
        #expect(result.subset == expected.subset)
        #expect(result.subset.count == 2)
    }
}
