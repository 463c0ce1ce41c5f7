import DepthAnnotator
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// The depth networks against transformers 5.23 on tiny random models (Tests/Reference/make_depth_fixtures.py),
/// references in float64. "large" inputs have a bigger patch grid than the position-embedding table (bilinear
/// resize for DPT, bicubic for Dinov2); Depth Anything's "wide" one is not square.
@Suite struct DepthNetworkTests {
    static let folder = FixtureFolder(.module, writtenBy: "make_depth_fixtures.py")
    static func outputs() throws -> ReferenceFixture { try ReferenceFixture("Depth_outputs.safetensors", in: .module) }

    /// Max error allowed, relative to the reference's range (max - min), which is stricter than relative to its
    /// largest value because the fixtures' head bias lifts the whole map. Measured (debug build), for
    /// dpt_hybrid square/large, dpt_large square/large, depth_anything square/wide/large: 9.8e-7, 7.7e-7,
    /// 6.5e-7, 7.6e-7, 3.7e-7, 4.3e-7, 4.3e-7. PyTorch's own float32 runs are 5.6e-7 to 1.1e-6 from the
    /// same references (relative to the largest value; printed by the fixture script).
    static let tolerance: Float = 2e-6

    static func check(_ model: String, _ size: String, run: (Tensor) throws -> Tensor) throws {
        let fixture = try outputs()
        let depth = try run(try fixture.tensor("\(model).\(size).input"))
        let reference = try fixture.tensor("\(model).\(size).predicted_depth")
        #expect(depth.shape == reference.shape)
        guard depth.shape == reference.shape else { return }
        let range = (reference.scalars.max() ?? 0) - (reference.scalars.min() ?? 0)
        let largest = zip(depth.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
        let error = largest / range
        print("\(model) \(size): max error / range \(error), max rel error \(maxRelativeError(depth, reference))")
        #expect(range > 0.1)
        #expect(error <= tolerance)
    }

    @Test(arguments: ["square", "large"])
    func dptHybridMatchesTransformers(size: String) throws {
        let model = try DPTForDepthEstimation(contentsOf: Self.folder.url("Depth_dpt_hybrid"))
        #expect(model.config.isHybrid)
        try Self.check("dpt_hybrid", size) { try model($0) }
    }

    @Test(arguments: ["square", "large"])
    func dptLargeMatchesTransformers(size: String) throws {
        let model = try DPTForDepthEstimation(contentsOf: Self.folder.url("Depth_dpt_large"))
        #expect(!model.config.isHybrid)
        try Self.check("dpt_large", size) { try model($0) }
    }

    @Test(arguments: ["square", "wide", "large"])
    func depthAnythingMatchesTransformers(size: String) throws {
        let model = try DepthAnythingForDepthEstimation(contentsOf: Self.folder.url("Depth_depth_anything"))
        try Self.check("depth_anything", size) { try model($0) }
    }
}
