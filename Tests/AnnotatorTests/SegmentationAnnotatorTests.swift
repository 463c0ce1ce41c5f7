import AnnotatorCore
import EaselCheckpoint
import EaselDiffusion
import EaselImage
import EaselTensor
import EaselTestSupport
import Foundation
import SegmentationAnnotator
import Testing

/// The segmentation annotator against transformers 5.23 and diffusers' seg ControlNet example, on the tiny
/// random UperNet + ConvNeXt that Tests/Reference/make_segmentation_fixtures.py writes (references in float64).
@Suite struct SegmentationAnnotatorTests {
    static let folder = FixtureFolder(.module, writtenBy: "make_segmentation_fixtures.py")

    static func outputs() throws -> ReferenceFixture {
        try ReferenceFixture("Segmentation_outputs.safetensors", in: .module)
    }

    static func segmenter() throws -> UperNetSegmenter {
        try UperNetSegmenter(contentsOf: folder.url("Segmentation_model"))
    }

    @Test func paletteIsControlnetAuxADEPalette() throws {
        let reference = try Self.outputs().tensor("palette")
        #expect(reference.shape == [150, 3])
        let ours = ADEPalette.colors.flatMap { [Float($0.red), Float($0.green), Float($0.blue)] }
        #expect(ours == reference.scalars)
    }

    @Test func configIsRead() throws {
        let model = try Self.segmenter().model
        #expect(model.config.backboneConfig.hiddenSizes == [8, 12, 16, 20])
        #expect(model.config.backboneConfig.depths == [1, 1, 2, 1])
        #expect(model.config.numLabels == 6)
        #expect(model.config.hiddenSize == 16)
        #expect(model.backbone.outputStages == [0, 1, 2, 3])
    }

    @Test func outIndicesStandInForOutFeatures() throws {
        let json = #"{"model_type": "convnext", "hidden_sizes": [4, 8, 12], "depths": [1, 1, 1], "out_indices": [2, 3]}"#
        let config = try JSONDecoder().decode(ConvNextConfig.self, from: Data(json.utf8))
        #expect(try config.outputStages() == [1, 2])
        let stem = #"{"model_type": "convnext", "out_indices": [0, 4]}"#
        #expect(throws: WeightError.self) {
            try JSONDecoder().decode(ConvNextConfig.self, from: Data(stem.utf8)).validate()
        }
    }

    @Test func processorConfigDefaultsAndOldSizes() throws {
        // No keys: SegformerImageProcessor's class defaults (what openmmlab's ADE20K models save).
        let defaults = try JSONDecoder().decode(SegformerImageProcessorConfig.self, from: Data("{}".utf8))
        #expect(defaults == SegformerImageProcessorConfig())
        #expect(defaults.height == 512 && defaults.width == 512 && defaults.resample == 2)
        // Feature-extractor era files give the size as one number.
        let old = try JSONDecoder().decode(SegformerImageProcessorConfig.self, from: Data(#"{"size": 640}"#.utf8))
        #expect(old.height == 640 && old.width == 640)
        let shortest = Data(#"{"size": {"shortest_edge": 512}}"#.utf8)
        #expect(throws: WeightError.self) { try JSONDecoder().decode(SegformerImageProcessorConfig.self, from: shortest) }
    }

    @Test func backboneFeaturesMatchTransformers() throws {
        let fixture = try Self.outputs()
        let model = try Self.segmenter().model
        let features = model.backbone(try fixture.tensor("pixel_values"))
        #expect(features.count == 4)
        for (i, feature) in features.enumerated() {
            let error = maxRelativeError(feature, try fixture.tensor("feature_\(i)"))
            // Measured: 2.3e-7 to 3.9e-7 of each map's largest value (float32 rounding in the GEMMs).
            #expect(error < 1e-6, "feature_\(i): \(error)")
        }
    }

    @Test func logitsMatchTransformers() throws {
        let fixture = try Self.outputs()
        let model = try Self.segmenter().model
        let logits = try model(try fixture.tensor("pixel_values"))
        let expected = try fixture.tensor("logits")
        #expect(logits.shape == [1, 6, 64, 96])
        let error = maxRelativeError(logits, expected)
        // Measured: 4.5e-7 of the largest logit (6.7e-7 absolute).
        #expect(error < 2e-6, "logits: \(error)")
        // Argmax agreement: every pixel whose reference top-2 margin exceeds the largest absolute logit error
        // must agree. The smallest reference margin is 3.75e-5 (the script prints it), 56 times the measured
        // error, so all 6144 pixels are decided and all agree.
        let maxAbs = zip(logits.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
        let ours = SegmentationMap(argmaxOf: logits).labels
        let theirs = SegmentationMap(argmaxOf: expected).labels
        let margins = Self.topTwoMargins(expected)
        let decided = margins.indices.filter { margins[$0] > 2 * maxAbs }
        let agreeing = decided.filter { ours[$0] == theirs[$0] }.count
        #expect(agreeing == decided.count, "\(agreeing) of \(decided.count) decided pixels agree")
        let total = zip(ours, theirs).filter { $0 == $1 }.count
        #expect(total == ours.count, "argmax agreement \(total) of \(ours.count), max abs error \(maxAbs)")
    }

    @Test func preprocessingMatchesSegformerImageProcessor() throws {
        let fixture = try Self.outputs()
        let image = try Self.folder.image("Segmentation_input.png")
        let values = try Self.segmenter().processor.pixelValues(for: image)
        let expected = try fixture.tensor("processed")
        #expect(values.shape == expected.shape)
        let maxAbs = zip(values.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        // Measured: 0 (Pillow's bilinear is bit-exact; the float32 arithmetic is numpy's).
        #expect(maxAbs <= 1e-6, "pixel values differ by up to \(maxAbs)")
    }

    @Test func conditionMapMatchesDiffusersSegExample() throws {
        let image = try Self.folder.image("Segmentation_input.png")
        // The smallest reference top-2 margin of the resized logits is 2.9e-5, 40 times the logit error: exact.
        let map = try SegmentationAnnotator(segmenter: Self.segmenter()).detect(image)
        let expected = try Self.folder.image("Segmentation_map.png").hwc3()
        #expect(map.width == expected.width && map.height == expected.height)
        let differing = zip(map.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) samples differ")
    }

    @Test func annotateMatchesResizeImageThenTheExample() throws {
        let annotator = try SegmentationAnnotator(segmenter: Self.segmenter())
        let image = try Self.folder.image("chelsea.png")
        // 451x300 -> 128x64 (INTER_AREA); the smallest reference top-2 margin is 1.4e-5, 20 times the logit
        // error, so the map must be exact.
        let map = try annotator.annotate(image, options: AnnotationOptions(detectResolution: 64))
        let expected = try Self.folder.image("Segmentation_flow_64.png").hwc3()
        #expect(map.width == 128 && map.height == 64)
        let differing = zip(map.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) samples differ")
    }

    @Test func annotateKeepsPaletteColours() throws {
        let annotator = try SegmentationAnnotator(segmenter: Self.segmenter())
        #expect(annotator.name == "seg")
        let image = try Self.folder.image("Segmentation_input.png")
        // Detect at 128 (80x60 -> 192x128), output at 64 (192x128 -> 96x64, rounded to multiples of 64:
        // 128x64): a nearest resize of the map.
        let map = try annotator.annotate(image, options: AnnotationOptions(detectResolution: 128, imageResolution: 64))
        #expect(map.width == 128 && map.height == 64)
        let palette = Set(ADEPalette.colors.map { [$0.red, $0.green, $0.blue] })
        let colours = Set(stride(from: 0, to: map.pixels.count, by: 3).map { Array(map.pixels[$0..<$0 + 3]) })
        #expect(colours.isSubset(of: palette), "colours outside the palette: \(colours.subtracting(palette))")
    }

    @Test func labelsPastThePaletteStayBlack() throws {
        let map = SegmentationMap(width: 2, height: 1, labels: [149, 150])
        let image = try map.painted()
        #expect(Array(image.pixels) == [ADEPalette.colors[149].red, ADEPalette.colors[149].green,
                                         ADEPalette.colors[149].blue, 0, 0, 0])
    }

    @Test func loadsFromAWeightFileBesideItsConfig() throws {
        let file = try Self.folder.url("Segmentation_model").appendingPathComponent("model.safetensors")
        let segmenter = try UperNetSegmenter(contentsOf: file)
        #expect(segmenter.processor.height == 64 && segmenter.processor.width == 96)
        #expect(segmenter.model.config.numLabels == 6)
    }

    @Test func configIsInferredFromALoneWeightFile() throws {
        let source = try Self.folder.url("Segmentation_model")
        let written = try UperNetConfig(contentsOf: source.appendingPathComponent("config.json"))
        let temporary = try TemporaryFolder()
        let file = temporary.path("upernet.safetensors")
        try FileManager.default.copyItem(at: source.appendingPathComponent("model.safetensors"), to: file)
        let model = try UperNetForSemanticSegmentation(contentsOf: file)
        var expected = written
        expected.id2label = nil  // names are not in the weights
        #expect(model.config == expected)
        let fixture = try Self.outputs()
        let error = maxRelativeError(try model(try fixture.tensor("pixel_values")), try fixture.tensor("logits"))
        #expect(error < 2e-6, "logits: \(error)")
    }

    @Test func inputErrorsAreThrown() throws {
        let segmenter = try Self.segmenter()
        let missing = URL(fileURLWithPath: "/nonexistent/upernet")
        #expect(throws: SegmentationError.modelNotFound(path: missing.path)) { try UperNetSegmenter(contentsOf: missing) }
        // Smaller than the total stride (4 * 2^3 = 32): an error, not a crash in the convolutions.
        #expect(throws: SegmentationError.self) { try segmenter.model(Tensor(zeros: [1, 3, 16, 64])) }
        #expect(throws: SegmentationError.self) { try segmenter.model(Tensor(zeros: [1, 4, 64, 64])) }
    }

    @Test func loadingNamesMissingAndUnexpectedTensors() throws {
        let url = try Self.folder.url("Segmentation_model")
        let config = try UperNetConfig(contentsOf: url.appendingPathComponent("config.json"))
        let file = try SafetensorsFileStore(url.appendingPathComponent("model.safetensors"))
        var tensors = file.tensors
        // The auxiliary head and the BatchNorm counters are ignored: loading from exactly the file works.
        _ = try UperNetForSemanticSegmentation(config: config, weights: InMemoryTensorStore(tensors))
        tensors["decode_head.classifier.bias"] = nil
        #expect(throws: WeightError.missing(name: "decode_head.classifier.bias", expectedShape: [6])) {
            try UperNetForSemanticSegmentation(config: config, weights: InMemoryTensorStore(tensors))
        }
        tensors = file.tensors
        tensors["decode_head.extra.weight"] = Tensor(zeros: [1])
        #expect(throws: WeightError.unexpected(names: ["decode_head.extra.weight"])) {
            try UperNetForSemanticSegmentation(config: config, weights: InMemoryTensorStore(tensors))
        }
    }

    /// Per pixel, the gap between the largest and the second-largest logit of `[1, C, H, W]`.
    static func topTwoMargins(_ logits: Tensor) -> [Float] {
        let (classes, plane) = (logits.shape[1], logits.shape[2] * logits.shape[3])
        let values = logits.scalars
        return (0..<plane).map { i in
            let column = (0..<classes).map { values[$0 * plane + i] }.sorted(by: >)
            return column[0] - column[1]
        }
    }
}

/// Every tensor of a safetensors file, read into memory (the test edits the set).
struct SafetensorsFileStore {
    let tensors: [String: Tensor]

    init(_ url: URL) throws {
        let file = try SafetensorsFile(contentsOf: url)
        var tensors: [String: Tensor] = [:]
        for name in file.tensorNames { tensors[name] = try file.tensor(named: name) }
        self.tensors = tensors
    }
}
