import DepthAnnotator
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// The depth networks against transformers 5.23 on tiny random models (Tests/Reference/make_depth_fixtures.py),
/// references in float64.
@Suite struct DepthNetworkTests {
    static let folder = FixtureFolder(.module, writtenBy: "make_depth_fixtures.py")
    static func outputs() throws -> ReferenceFixture { try ReferenceFixture("Depth_outputs.safetensors", in: .module) }

    /// Max relative error (to the largest reference value) allowed for DPT-hybrid. Measured (debug build):
    /// 2.4e-6 on both sizes; PyTorch's own float32 run is 4.4e-6 / 4.2e-6 from the same references.
    static let dptTolerance: Float = 5e-6
    /// The same for Depth Anything. Measured: 4.4e-7, 5.4e-7 (non-square, bicubic position embeddings),
    /// 5.2e-7 (larger square); PyTorch float32: 8.0e-7, 5.8e-7, 8.3e-7.
    static let depthAnythingTolerance: Float = 1e-6

    @Test(arguments: ["square", "large"])
    func dptHybridMatchesTransformers(size: String) throws {
        let model = try DPTForDepthEstimation(contentsOf: Self.folder.url("Depth_dpt_hybrid"))
        let fixture = try Self.outputs()
        let depth = try model(try fixture.tensor("dpt_hybrid.\(size).input"))
        let reference = try fixture.tensor("dpt_hybrid.\(size).predicted_depth")
        #expect(depth.shape == reference.shape)
        let error = maxRelativeError(depth, reference)
        print("DPT-hybrid \(size): max rel error \(error)")
        #expect(error <= Self.dptTolerance)
    }

    @Test(arguments: ["square", "wide", "large"])
    func depthAnythingMatchesTransformers(size: String) throws {
        let model = try DepthAnythingForDepthEstimation(contentsOf: Self.folder.url("Depth_depth_anything"))
        let fixture = try Self.outputs()
        let depth = try model(try fixture.tensor("depth_anything.\(size).input"))
        let reference = try fixture.tensor("depth_anything.\(size).predicted_depth")
        #expect(depth.shape == reference.shape)
        let error = maxRelativeError(depth, reference)
        print("Depth Anything \(size): max rel error \(error)")
        #expect(error <= Self.depthAnythingTolerance)
    }
}
