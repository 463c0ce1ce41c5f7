import DepthAnnotator
import EaselImage
import EaselTensor
import EaselTestSupport
import Testing

/// The depth and normal maps against controlnet_aux 0.0.10 `MidasDetector.__call__` run on a stand-in network
/// that returns the same depth (Tests/Reference/make_depth_fixtures.py), so only the post-processing is compared.
@Suite struct DepthMapTests {
    static func fixture() throws -> ReferenceFixture { try ReferenceFixture("Depth_postprocess.safetensors", in: .module) }

    @Test func depthMapEqualsControlnetAux() throws {
        let fixture = try Self.fixture()
        let depth = try fixture.tensor("depth")
        let map = try DepthMap.depthImage(depth)
        let reference = try fixture.tensor("depth_image")
        #expect(map.layout == .gray && map.width == reference.shape[1] && map.height == reference.shape[0])
        let differing = zip(map.pixels, reference.scalars).filter { Float($0) != $1 }.count
        #expect(differing == 0, "\(differing) pixels differ")
    }

    @Test func normalMapEqualsControlnetAux() throws {
        let fixture = try Self.fixture()
        let depth = try fixture.tensor("depth")
        let map = try DepthMap.normalImage(depth, a: 2 * .pi, backgroundThreshold: 0.1)
        let reference = try fixture.tensor("normal_image")
        #expect(map.layout == .rgb && map.width == reference.shape[1] && map.height == reference.shape[0])
        let deltas = zip(map.pixels, reference.scalars).map { abs(Float($0) - $1) }
        let differing = deltas.filter { $0 != 0 }.count
        print("normal map: \(differing) of \(deltas.count) samples differ, max \(deltas.max() ?? 0)")
        #expect(differing == 0)
    }

    @Test func flatDepthGivesBlackMap() throws {
        let map = try DepthMap.depthImage(Tensor(repeating: 3, shape: [4, 5]))
        #expect(map.pixels.allSatisfy { $0 == 0 })
    }
}
