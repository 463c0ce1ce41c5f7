import EaselDiffusion
import EaselTensor
import Foundation
import Testing

/// The full-size SD 1.5 and ControlNet v1.1 layouts (names and shapes only, no weights): every LDM name
/// converts to the diffusers name diffusers' converters give it (Tests/Reference/make_conversion_fixtures.py,
/// `Conversion_fullsize_names.txt`), and the inferred architecture is SD 1.5's / ControlNet v1.1's config.
@Suite struct ConversionFullSizeLayoutTests {
    /// Shapes without data: enough to convert names and infer architectures.
    struct ShapeOnlyStore: TensorStore {
        let shapes: [String: [Int]]
        var tensorNames: [String] { Array(shapes.keys) }
        func shape(of name: String) -> [Int]? { shapes[name] }
        func tensor(named name: String) throws -> Tensor { throw WeightError.missing(name: name, expectedShape: shapes[name]) }
    }

    /// (LDM name, shape, diffusers name) per line.
    static func layout() throws -> [(ldm: String, shape: [Int], diffusers: String)] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/Conversion_fullsize_names.txt", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            try #require(parts.count == 3)
            return (String(parts[0]), parts[1].split(separator: ",").compactMap { Int($0) }, String(parts[2]))
        }
    }

    /// The expected diffusers -> LDM pairs of the entries under `prefix`.
    static func expectedNames(_ rows: [(ldm: String, shape: [Int], diffusers: String)], prefix: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: rows.filter { $0.ldm.hasPrefix(prefix) }.map { ($0.diffusers, $0.ldm) })
    }

    static func names(_ store: any TensorStore) throws -> [String: String] {
        try #require(store as? RenamedTensorStore).names
    }

    @Test func sd15CheckpointAndControlNetLayoutsConvertFully() throws {
        let rows = try Self.layout()
        #expect(rows.count == 1470)
        let file = try LDMSingleFile(ShapeOnlyStore(shapes: Dictionary(uniqueKeysWithValues: rows.map { ($0.ldm, $0.shape) })))
        #expect(file.unknownTensorNames == [])
        #expect(file.ignoredTensorNames == [])

        let unet = try #require(file.unet)
        #expect(try Self.names(unet.weights) == Self.expectedNames(rows, prefix: LDMSingleFile.unetPrefix))
        // runwayml/stable-diffusion-v1-5 unet/config.json
        #expect(unet.shape.blockOutChannels == [320, 640, 1280, 1280] && unet.shape.layersPerBlock == 2)
        #expect(unet.shape.downBlockTypes == ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        #expect(unet.shape.upBlockTypes == ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"])
        #expect(unet.shape.inChannels == 4 && unet.shape.outChannels == 4 && unet.shape.crossAttentionDim == 768)
        #expect(unet.shape.attentionHeadDim == [8, 8, 8, 8] && !unet.shape.useLinearProjection)
        #expect(unet.shape.transformerLayersPerBlock == [1, 1, 1, 1] && unet.shape.timeEmbeddingDim == 1280)

        let vae = try #require(file.vae)
        #expect(try Self.names(vae.weights) == Self.expectedNames(rows, prefix: LDMSingleFile.vaePrefix))
        #expect(vae.shape.blockOutChannels == [128, 256, 512, 512])
        #expect(vae.shape.layersPerBlock == 2 && vae.shape.latentChannels == 4)
        #expect(vae.shape.inChannels == 3 && vae.shape.outChannels == 3 && vae.shape.midBlockHasAttention)

        let text = try #require(file.textEncoder)
        #expect(try Self.names(text.weights) == Self.expectedNames(rows, prefix: LDMSingleFile.textEncoderPrefix))
        #expect(text.shape.vocabSize == 49408 && text.shape.hiddenSize == 768 && text.shape.intermediateSize == 3072)
        #expect(text.shape.numHiddenLayers == 12 && text.shape.numAttentionHeads == 12)
        #expect(text.shape.maxPositionEmbeddings == 77 && text.shape.hiddenAct == "quick_gelu")

        let controlNet = try #require(file.controlNet)
        #expect(try Self.names(controlNet.weights) == Self.expectedNames(rows, prefix: LDMSingleFile.controlNetPrefix))
        let shape = controlNet.shape
        #expect(shape.conditioningChannels == 3 && shape.conditioningEmbeddingOutChannels == [16, 32, 96, 256])
        #expect(shape.blockOutChannels == [320, 640, 1280, 1280] && shape.layersPerBlock == 2)
        #expect(shape.downBlockTypes == ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        #expect(shape.crossAttentionDim == 768 && !shape.useLinearProjection && shape.attentionHeadDim == [8, 8, 8, 8])
    }
}
