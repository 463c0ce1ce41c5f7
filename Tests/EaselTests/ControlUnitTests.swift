import AnnotatorCore
import CannyAnnotator
import EaselDiffusion
import EaselImage
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import Easel

/// The A1111-only behaviours of control units, by their defining properties (diffusers has no reference for
/// them), and the unit's own settings: control modes, resize modes, preprocessors and pixel perfect, validation,
/// the default size, the infotext.
@Suite struct ControlUnitTests {
    static func unit(_ net: String = "a", image: String = "a") throws -> ControlUnit {
        ControlUnit(controlNet: try ControlPipelineFixtures.net(net), image: try ControlPipelineFixtures.condition(image))
    }

    static func prepared(_ unit: ControlUnit, width: Int = 64, height: Int = 64) throws -> PreparedControlUnit {
        try PreparedControlUnit(unit, index: 0, width: width, height: height, latentFactor: 8)
    }

    /// A guided denoiser on the tiny UNet with random text embeddings `[negative; positive]`.
    static func denoiser(_ units: [PreparedControlUnit]) throws -> (GuidedDenoiser, latents: Tensor) {
        var random = TorchCPUGenerator(seed: 5)
        let context = random.normal(shape: [2, 77, 32])
        let latents = random.normal(shape: [1, 4, 8, 8])
        let model = try PipelineFixtures.model()
        return (GuidedDenoiser(
            unet: model.unet, context: context, positiveContext: chunk(context, count: 2, axis: 0)[1], guidanceScale: 7.5,
            control: units), latents)
    }

    static func half(_ x: Tensor, _ index: Int) -> Tensor { chunk(x, count: 2, axis: 0)[index] }

    /// "ControlNet is more important": the unconditional half gets no control at all, the conditional half the
    /// net's residuals for the positive prompt under A1111's soft-injection scales.
    @Test func controlNetMoreImportantLeavesTheUnconditionalHalfUncontrolled() throws {
        var unit = try Self.unit()
        unit.controlMode = .controlNetMoreImportant
        unit.weight = 0.9
        let prepared = try Self.prepared(unit)
        let (denoiser, latents) = try Self.denoiser([prepared])
        let residuals = try #require(try denoiser.controlResiduals(latents, timestep: 500, step: 0, of: 4))

        let net = unit.controlNet.model
        let scales = ControlNetResidualScales.softInjection(weight: 0.9, count: net.residualCount)
        let alone = try net(
            latents, timestep: 500, encoderHiddenStates: Self.half(denoiser.context, 1), condition: prepared.condition,
            scales: scales)
        for (residual, expected) in zip(residuals.down + [residuals.mid], alone.down + [alone.mid]) {
            #expect(Self.half(residual, 0).scalars.allSatisfy { $0 == 0 })
            #expect(Self.half(residual, 1).scalars == expected.scalars)
        }
        #expect(alone.mid.scalars.contains { abs($0) > 0.1 }, "the net must give residuals of some size")
    }

    /// "My prompt is more important": both halves controlled, each residual under `weight * 0.825^(n-1-i)`, the
    /// mid residual at the full weight; the same run with those factors by hand gives the same residuals.
    @Test func promptMoreImportantIsTheSoftInjectionScales() throws {
        var unit = try Self.unit()
        unit.controlMode = .promptMoreImportant
        unit.weight = 0.7
        let prepared = try Self.prepared(unit)
        let count = unit.controlNet.model.residualCount
        // The weight is a Float; the product is taken in double and rounded once, as the existing softInjection.
        #expect(prepared.scales == (0..<count).map { Float(Double(Float(0.7)) * pow(0.825, Double(count - 1 - $0))) })
        #expect(prepared.scales.last == 0.7)
        #expect(!prepared.conditionalOnly)
        // SD's 13 residuals: A1111's `weight * 0.825 ** (12 - i)`.
        #expect(ControlNetResidualScales.softInjection(weight: 1, count: 13).first == Float(pow(0.825, 12.0)))

        let (denoiser, latents) = try Self.denoiser([prepared])
        let residuals = try #require(try denoiser.controlResiduals(latents, timestep: 300, step: 1, of: 4))
        let byHand = try unit.controlNet.model(
            concat([latents, latents], axis: 0), timestep: 300, encoderHiddenStates: denoiser.context,
            condition: concat([prepared.condition, prepared.condition], axis: 0), scales: prepared.scales)
        #expect(residuals.mid.scalars == byHand.mid.scalars)
        #expect(Self.half(residuals.mid, 0).scalars.contains { $0 != 0 }, "both halves are controlled")
        #expect(zip(residuals.down, byHand.down).allSatisfy { $0.scalars == $1.scalars })
    }

    /// The modes move the image apart (so the parity fixtures tell them apart).
    @Test func controlModesGiveDifferentImages() throws {
        let fixture = try ControlPipelineFixtures.case(named: "one_net_euler_a")
        var images: [ControlMode: Image] = [:]
        for mode in [ControlMode.balanced, .promptMoreImportant, .controlNetMoreImportant] {
            var request = try fixture.request()
            request.steps = 3
            request.controlUnits[0].controlMode = mode
            images[mode] = try StableDiffusionPipeline(model: try PipelineFixtures.model()).generate(request).image
        }
        let balanced = try #require(images[.balanced])
        for mode in [ControlMode.promptMoreImportant, .controlNetMoreImportant] {
            let image = try #require(images[mode])
            let difference = try #require(ImageDifference(image, balanced))
            #expect(difference.meanAbsolute > 2, "\(mode): \(difference)")
        }
    }

    /// The condition is fitted to the output by the unit's resize mode (A1111's geometry, Pillow's Lanczos):
    /// crop and resize by default, and the three modes differ on an 80x56 image made 64x64.
    @Test func resizeModesFitTheConditionToTheOutput() throws {
        let source = try ControlPipelineFixtures.condition("b")
        var unit = try Self.unit(image: "b")
        #expect(unit.resizeMode == .cropAndResize)
        var maps: [Image] = []
        for mode in ResizeMode.allCases {
            unit.resizeMode = mode
            let prepared = try Self.prepared(unit)
            let expected = try source.resized(width: 64, height: 64, mode: mode, resampler: .pillow(.lanczos))
            #expect(prepared.conditionImage == expected, "\(mode)")
            #expect(prepared.condition.shape == [1, 3, 64, 64])
            #expect(prepared.condition.scalars == expected.planarFloats(range: .zeroToOne))
            maps.append(prepared.conditionImage)
        }
        #expect(maps[0] != maps[1] && maps[1] != maps[2] && maps[0] != maps[2])
        // A condition already at the output size is used as it is, whatever the mode.
        unit = try Self.unit()
        unit.resizeMode = .resizeAndFill
        #expect(try Self.prepared(unit).conditionImage == (try ControlPipelineFixtures.condition("a")))
    }

    /// A unit given a raw photo and a preprocessor makes the same image as one given the annotator's map.
    @Test func preprocessorOnARawImageEqualsAnnotatingFirst() throws {
        let photo = try PipelineFixtures.initImage()
        let canny = CannyAnnotator()
        var raw = ControlUnit(controlNet: try ControlPipelineFixtures.net("a"), image: photo)
        raw.preprocessor = canny
        raw.preprocessorResolution = 128
        var annotated = ControlUnit(
            controlNet: try ControlPipelineFixtures.net("a"),
            image: try canny.annotate(photo, options: AnnotationOptions(detectResolution: 128)))
        annotated.resizeMode = raw.resizeMode

        var request = GenerationRequest(prompt: ControlPipelineFixtures.prompt)
        request.steps = 2
        request.sampler = .euler
        request.width = 64
        request.height = 64
        let pipeline = StableDiffusionPipeline(model: try PipelineFixtures.model())
        request.controlUnits = [raw]
        let fromRaw = try pipeline.generate(request)
        request.controlUnits = [annotated]
        let fromMap = try pipeline.generate(request)
        #expect(fromRaw.image == fromMap.image)
        #expect(fromRaw.controlMaps == fromMap.controlMaps)
        #expect(fromRaw.controlMaps.first?.width == 64 && fromRaw.controlMaps.count == 1)
        #expect(fromRaw.parameters["ControlNet 0"]?.hasPrefix("Module: canny, ") == true)
        #expect(fromMap.parameters["ControlNet 0"]?.hasPrefix("Module: none, ") == true)
    }

    /// Pixel perfect: the detect resolution is the short side of the raw image scaled to cover the output
    /// (fit it, for resize and fill), as the A1111 extension's `pixel_perfect_resolution`.
    @Test func pixelPerfectResolution() throws {
        #expect(ControlUnit.pixelPerfectResolution(imageWidth: 512, imageHeight: 512, width: 768, height: 512,
                                                   resizeMode: .cropAndResize) == 768)
        #expect(ControlUnit.pixelPerfectResolution(imageWidth: 512, imageHeight: 512, width: 768, height: 512,
                                                   resizeMode: .resizeAndFill) == 512)
        #expect(ControlUnit.pixelPerfectResolution(imageWidth: 1000, imageHeight: 750, width: 512, height: 512,
                                                   resizeMode: .justResize) == 512)
        #expect(ControlUnit.pixelPerfectResolution(imageWidth: 80, imageHeight: 56, width: 64, height: 64,
                                                   resizeMode: .cropAndResize) == 64)

        let photo = try PipelineFixtures.initImage()
        var unit = ControlUnit(controlNet: try ControlPipelineFixtures.net("a"), image: photo)
        unit.preprocessor = CannyAnnotator()
        unit.preprocessorResolution = 512  // ignored with pixel perfect
        unit.pixelPerfect = true
        let expected = try CannyAnnotator().annotate(photo, options: AnnotationOptions(detectResolution: 64))
        #expect(try Self.prepared(unit).conditionImage == expected)
        #expect(GenerationParameters.controlNetEntry(unit, width: 64, height: 64).contains(
            "Processor Res: 64, Guidance Start: 0, Guidance End: 1, Pixel Perfect: True, "))
    }

    @Test func badSettingsAreRefusedNamingTheUnit() throws {
        let model = try PipelineFixtures.model()
        func refusal(_ change: (inout ControlUnit) -> Void) throws -> String? {
            var unit = try Self.unit()
            change(&unit)
            var request = GenerationRequest(prompt: "a")
            request.steps = 1
            request.controlUnits = [try Self.unit(), unit]
            do {
                _ = try GenerationPlan(request: request, model: model)
                return nil
            } catch let error as GenerationError {
                return error.description
            }
        }
        let cases: [(String, (inout ControlUnit) -> Void)] = [
            ("start and end", { $0.guidanceStart = 0.8; $0.guidanceEnd = 0.2 }),
            ("start and end", { $0.guidanceEnd = 1.5 }),
            ("start and end", { $0.guidanceStart = -0.1 }),
            ("weight", { $0.weight = .nan }),
            ("preprocessor resolution", { $0.preprocessorResolution = 0 }),
        ]
        for (mentions, change) in cases {
            let message = try #require(try refusal(change), "\(mentions)")
            #expect(message.contains("control unit 1 (ControlPipeline_net_a)") && message.contains(mentions), "\(message)")
        }
    }

    /// Without a size or init image the output takes the first condition image's size (diffusers' ControlNet
    /// pipeline); the infotext gets A1111's `ControlNet i` entries.
    @Test func defaultSizeAndInfotext() throws {
        var first = try Self.unit("b", image: "b")
        first.weight = 0.5
        first.guidanceEnd = 0.75
        first.controlMode = .promptMoreImportant
        var second = try Self.unit()
        second.resizeMode = .justResize
        var request = GenerationRequest(prompt: "a house")
        request.steps = 2
        request.sampler = .ddim
        request.controlUnits = [first, second]
        let result = try StableDiffusionPipeline(model: try PipelineFixtures.model()).generate(request)
        #expect(result.image.width == 80 && result.image.height == 56)
        #expect(result.parameters["ControlNet 0"] == "Module: none, Model: ControlPipeline_net_b, Weight: 0.5, Resize Mode: Crop and Resize, Guidance Start: 0, Guidance End: 0.75, Pixel Perfect: False, Control Mode: My prompt is more important")
        #expect(result.parameters["ControlNet 1"] == "Module: none, Model: ControlPipeline_net_a, Weight: 1, Resize Mode: Just Resize, Guidance Start: 0, Guidance End: 1, Pixel Perfect: False, Control Mode: Balanced")
        #expect(result.parameters.text.contains(#"ControlNet 1: "Module: none, Model: ControlPipeline_net_a, "#))
        // The infotext reads back.
        #expect(GenerationParameters(parsing: result.parameters.text)["ControlNet 0"] == result.parameters["ControlNet 0"])
    }

    /// Units compare by the loaded net's identity and their settings; one loaded net serves several requests.
    @Test func unitsShareTheirNet() throws {
        let a = try Self.unit()
        var b = a
        #expect(a == b)
        b.weight = 0.5
        #expect(a != b)
        let reloaded = ControlUnit(
            controlNet: try LoadedControlNet(contentsOf: ControlPipelineFixtures.netFolder("a")), image: a.image)
        #expect(reloaded != a)
        #expect(reloaded.controlNet.name == "ControlPipeline_net_a")
    }
}
