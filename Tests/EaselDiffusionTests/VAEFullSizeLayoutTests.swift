import EaselDiffusion
import EaselTensor
import Testing

/// The full-size SD 1.5 VAE (the LDM layout of `Conversion_fullsize_names.txt`, zeros for weights): the
/// configuration inferred from it is stabilityai's / runwayml's `vae/config.json`, and `AutoencoderKL` builds
/// from it using every tensor at its shape.
@Suite struct VAEFullSizeLayoutTests {
    /// Zero tensors of the stated shapes, made when a network asks for them (the SD VAE: 335 MB of floats).
    struct ZeroStore: TensorStore {
        let shapes: [String: [Int]]
        var tensorNames: [String] { Array(shapes.keys) }
        func shape(of name: String) -> [Int]? { shapes[name] }
        func tensor(named name: String) throws -> Tensor {
            guard let shape = shapes[name] else { throw WeightError.missing(name: name, expectedShape: nil) }
            return Tensor(zeros: shape)
        }
    }

    @Test func sd15SingleFileVAEBuildsWithEveryTensor() throws {
        let rows = try ConversionFullSizeLayoutTests.layout().filter { $0.ldm.hasPrefix(LDMSingleFile.vaePrefix) }
        #expect(rows.count == 248)
        let file = try LDMSingleFile(ZeroStore(shapes: Dictionary(uniqueKeysWithValues: rows.map { ($0.ldm, $0.shape) })))
        let component = try #require(file.vae)
        let config = AutoencoderKLConfig(inferred: component.shape)
        // stable-diffusion-v1-5/vae/config.json (diffusers 0.42.1 defaults for the keys it omits).
        var expected = AutoencoderKLConfig()
        expected.blockOutChannels = [128, 256, 512, 512]
        expected.downBlockTypes = Array(repeating: "DownEncoderBlock2D", count: 4)
        expected.upBlockTypes = Array(repeating: "UpDecoderBlock2D", count: 4)
        expected.layersPerBlock = 2
        expected.sampleSize = 512
        #expect(config == expected)
        let vae = try AutoencoderKL(singleFile: component)
        #expect(vae.downscaleFactor == 8)
        #expect(vae.defaultTiling == VAETiling(sampleTileSize: 512, latentTileSize: 64))
    }
}
