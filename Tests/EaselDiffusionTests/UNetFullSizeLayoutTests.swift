import EaselDiffusion
import EaselTensor
import Foundation
import Testing

/// The full-size SD 1.5 UNet, built from the LDM single-file layout (names and shapes of
/// Conversion_fullsize_names.txt, checked against diffusers' converter by make_conversion_fixtures.py) through
/// `LDMSingleFile` and `UNet2DConditionConfig(inferred:)`: every tensor is used with its shape, and the
/// architecture is SD 1.5's (REFERENCE.md section 3). Weights are zeros, one buffer per distinct shape shared
/// copy-on-write (about 1.1 GB resident while it runs); no forward pass.
@Suite struct UNetFullSizeLayoutTests {
    /// Zeros of each stored shape; equal shapes share one buffer.
    final class ZeroStore: TensorStore, @unchecked Sendable {
        let shapes: [String: [Int]]
        private var buffers: [[Int]: Tensor] = [:]

        init(shapes: [String: [Int]]) { self.shapes = shapes }

        var tensorNames: [String] { Array(shapes.keys) }
        func shape(of name: String) -> [Int]? { shapes[name] }
        func tensor(named name: String) throws -> Tensor {
            guard let shape = shapes[name] else { throw WeightError.missing(name: name, expectedShape: nil) }
            if let tensor = buffers[shape] { return tensor }
            let tensor = Tensor(zeros: shape)
            buffers[shape] = tensor
            return tensor
        }
    }

    @Test func sd15SingleFileLayoutBuildsWithEveryTensorUsed() throws {
        let rows = try ConversionFullSizeLayoutTests.layout()
        let file = try LDMSingleFile(ZeroStore(shapes: Dictionary(uniqueKeysWithValues: rows.map { ($0.ldm, $0.shape) })))
        let unet = try #require(file.unet)
        let config = UNet2DConditionConfig(inferred: unet.shape)
        #expect(config.blockOutChannels == [320, 640, 1280, 1280] && config.crossAttentionDim == .int(768))
        #expect(config.attentionHeadDim == .int(8) && config.layersPerBlock == .int(2) && !config.useLinearProjection)
        let model = try UNet2DConditionModel(config: config, weights: unet.weights)  // throws on any leftover

        let skips = model.encoder.skipShapes(batch: 2, height: 64, width: 64)
        #expect(skips.down.map { $0[1] } == [320, 320, 320, 320, 640, 640, 640, 1280, 1280, 1280, 1280, 1280])
        #expect(skips.mid == [2, 1280, 8, 8])
        // REFERENCE.md: skip channels into the up resnets.
        #expect(model.upBlocks.map { $0.resnets.map { $0.conv1.weight.shape[1] } } == [
            [2560, 2560, 2560], [2560, 2560, 1920], [1920, 1280, 960], [960, 640, 640],
        ])
        #expect(model.encoder.midBlock.attentions[0].blocks[0].selfAttention.heads == 8)
    }
}
