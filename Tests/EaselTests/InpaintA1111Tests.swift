import Easel
import EaselDiffusion
import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// The defining properties of A1111's inpainting options (`InpaintMethod.a1111`) and of outpainting, which have no
/// diffusers reference: after decoding, every pixel the processed mask keeps equals the input's, in every mode
/// (masked content, inpaint area, invert, 4- and 9-channel models); the masked area is repainted; outpainting keeps
/// the original's pixels at their place on the grown canvas.
@Suite struct InpaintA1111Tests {
    static func request(_ options: A1111InpaintOptions, strength: Double = 0.75) throws -> GenerationRequest {
        var request = GenerationRequest(prompt: InpaintPipelineFixtures.prompt)
        request.seed = 5
        request.steps = 4
        request.sampler = .eulerAncestral
        request.initImage = try PipelineFixtures.initImage()
        request.strength = strength
        request.inpainting = Inpainting(mask: try InpaintPipelineFixtures.mask(), method: .a1111(options))
        return request
    }

    /// Pixels (x, y) where `mask` is 0: those A1111's overlay restores.
    static func keptPixels(_ mask: Mask) -> [(Int, Int)] {
        var kept: [(Int, Int)] = []
        for y in 0..<mask.height { for x in 0..<mask.width where mask[x, y] == 0 { kept.append((x, y)) } }
        return kept
    }

    static func pixel(_ image: Image, _ x: Int, _ y: Int) -> [UInt8] {
        let start = (y * image.width + x) * image.channels
        return Array(image.pixels[start..<start + image.channels])
    }

    static let modes: [(MaskedContent, InpaintArea, Bool, Int)] = [
        (.original, .wholePicture, false, 4), (.fill, .wholePicture, false, 4),
        (.latentNoise, .wholePicture, false, 4), (.latentNothing, .wholePicture, true, 4),
        (.original, .onlyMasked(padding: 8), false, 4), (.fill, .onlyMasked(padding: 4), true, 4),
        (.latentNoise, .onlyMasked(padding: 0), false, 4), (.latentNothing, .onlyMasked(padding: 16), false, 4),
        (.original, .wholePicture, false, 9), (.latentNothing, .onlyMasked(padding: 8), false, 9),
    ]

    @Test(arguments: modes.indices)
    func unmaskedPixelsEqualTheInput(mode: Int) throws {
        let (content, area, invert, channels) = Self.modes[mode]
        var options = A1111InpaintOptions()
        options.maskedContent = content
        options.area = area
        options.invertMask = invert
        // Inverted, the fixture's soft ellipse under the default blur of 4 keeps only 9 pixels; blur 1 keeps more.
        if invert { (options.maskBlurX, options.maskBlurY) = (1, 1) }
        let request = try Self.request(options, strength: channels == 9 ? 1 : 0.75)
        let result = try StableDiffusionPipeline(model: try InpaintPipelineFixtures.model(channels: channels))
            .generate(request)
        let input = try PipelineFixtures.initImage()
        #expect(result.image.width == input.width && result.image.height == input.height)

        var processed = try InpaintPipelineFixtures.mask()
        if invert { processed = processed.inverted() }
        processed = try processed.blurred(x: options.maskBlurX, y: options.maskBlurY)
        let kept = Self.keptPixels(processed)
        #expect(kept.count > (invert ? 40 : 500) && kept.count < 64 * 64 - 300, "the fixture mask keeps \(kept.count) pixels")
        let changed = kept.filter { Self.pixel(result.image, $0.0, $0.1) != Self.pixel(input, $0.0, $0.1) }
        #expect(changed.isEmpty, "\(changed.count) kept pixels changed, first \(changed.first.map { "\($0)" } ?? "")")
        // The repainted area did change.
        let difference = try #require(ImageDifference(result.image, input))
        #expect(difference.mismatches > 300, "\(difference)")
    }

    /// An image whose sides are not multiples of 8 is generated at its size rounded down and resized back: the
    /// result keeps the input's size and unmasked pixels, outpainting included (a canvas of 75 x 58).
    @Test func oddSizesKeepTheInput() throws {
        let input = try PipelineFixtures.initImage().cropped(to: PixelRegion(x1: 2, y1: 5, x2: 63, y2: 55))
        let mask = try InpaintPipelineFixtures.mask().cropped(to: PixelRegion(x1: 2, y1: 5, x2: 63, y2: 55))
        var request = try Self.request(A1111InpaintOptions())
        request.initImage = input
        request.inpainting = Inpainting(mask: mask)
        let model = try PipelineFixtures.model()
        let result = try StableDiffusionPipeline(model: model).generate(request)
        #expect(result.image.width == 61 && result.image.height == 50)
        #expect(result.parameters["Size"] == "56x48")
        let kept = Self.keptPixels(try mask.blurred(4))
        #expect(kept.count > 500)
        #expect(kept.allSatisfy { Self.pixel(result.image, $0.0, $0.1) == Self.pixel(input, $0.0, $0.1) })

        request.inpainting = nil
        var outpainting = Outpainting(left: 6, top: 0, right: 8, bottom: 8)
        outpainting.feather = 0
        request.outpainting = outpainting
        let outpainted = try StableDiffusionPipeline(model: model).generate(request)
        #expect(outpainted.image.width == 75 && outpainted.image.height == 58)
        var changed = 0
        for y in 0..<input.height {
            for x in 0..<input.width where Self.pixel(outpainted.image, x + 6, y) != Self.pixel(input, x, y) { changed += 1 }
        }
        #expect(changed == 0)
    }

    /// Each masked-content choice starts the masked area from something else, so the images differ.
    @Test func maskedContentChoicesDiffer() throws {
        let model = try PipelineFixtures.model()
        var images: [Image] = []
        for content in MaskedContent.allCases {
            var options = A1111InpaintOptions()
            options.maskedContent = content
            images.append(try StableDiffusionPipeline(model: model).generate(try Self.request(options, strength: 0.6)).image)
        }
        for i in images.indices { for j in images.indices where i < j { #expect(images[i] != images[j]) } }
    }

    @Test(arguments: [CanvasFill.edge, .mirror, .noise(seed: 3), .gray])
    func outpaintingKeepsTheOriginal(fill: CanvasFill) throws {
        let input = try PipelineFixtures.initImage()
        for feather in [0, 8] {
            var request = GenerationRequest(prompt: InpaintPipelineFixtures.prompt)
            request.seed = 9
            request.steps = 4
            request.sampler = .euler
            request.initImage = input
            request.strength = 1
            var outpainting = Outpainting(left: 8, top: 0, right: 16, bottom: 8)
            outpainting.fill = fill
            outpainting.feather = feather
            request.outpainting = outpainting
            let result = try StableDiffusionPipeline(model: try PipelineFixtures.model()).generate(request)
            #expect(result.image.width == 88 && result.image.height == 72)
            var changed = 0
            for y in 0..<input.height {
                for x in 0..<input.width {
                    // The feather ramps outward into the new area: every original pixel is kept.
                    if Self.pixel(result.image, x + 8, y) != Self.pixel(input, x, y) { changed += 1 }
                }
            }
            #expect(changed == 0, "feather \(feather): \(changed) original pixels changed")
            // The new area was painted: its pixels are not simply the fill.
            let canvas = try input.extended(left: 8, top: 0, right: 16, bottom: 8, fill: fill)
            #expect(try #require(ImageDifference(result.image, canvas)).mismatches > 1000)
            #expect(result.parameters["Outpaint"] == "8,0,16,8")
        }
    }

    /// A ControlNet v1.1 inpaint unit reads the request's own canvas and mask: its map is the canvas with the
    /// repainted area black (-1 in the tensor), and it moves the image.
    @Test func inpaintControlUnitFollowsTheCanvas() throws {
        var request = GenerationRequest(prompt: InpaintPipelineFixtures.prompt)
        request.steps = 4
        request.sampler = .ddim
        request.initImage = try PipelineFixtures.initImage()
        request.strength = 1
        request.outpainting = Outpainting(left: 0, top: 0, right: 16, bottom: 0)
        let model = try PipelineFixtures.model()
        let plain = try StableDiffusionPipeline(model: model).generate(request)
        var unit = ControlUnit(controlNet: try ControlPipelineFixtures.net("a"), image: try PipelineFixtures.initImage())
        unit.usesInpaintCondition = true
        request.controlUnits = [unit]
        let controlled = try StableDiffusionPipeline(model: model).generate(request)
        let map = try #require(controlled.controlMaps.first)
        #expect(map.width == 80 && map.height == 64)
        #expect(Self.pixel(map, 79, 10) == [0, 0, 0])
        #expect(Self.pixel(map, 10, 10) == Self.pixel(try PipelineFixtures.initImage(), 10, 10))
        #expect(try #require(ImageDifference(controlled.image, plain.image)).meanAbsolute > 1)
        #expect(controlled.parameters["ControlNet 0"]?.hasPrefix("Module: inpaint, Model: ControlPipeline_net_a") == true)
    }

    @Test func infotextHasA1111Keys() throws {
        var options = A1111InpaintOptions()
        options.maskedContent = .latentNoise
        options.area = .onlyMasked(padding: 12)
        options.invertMask = true
        options.maskBlurX = 6
        options.maskBlurY = 6
        let result = try StableDiffusionPipeline(model: try PipelineFixtures.model()).generate(try Self.request(options))
        #expect(result.parameters["Mask blur"] == "6")
        #expect(result.parameters["Mask mode"] == "Inpaint not masked")
        #expect(result.parameters["Masked content"] == "latent noise")
        #expect(result.parameters["Inpaint area"] == "Only masked")
        #expect(result.parameters["Only masked padding"] == "12")
        #expect(result.parameters["Denoising strength"] == "0.75")
        let parsed = GenerationParameters(parsing: result.parameters.text)
        #expect(parsed["Only masked padding"] == "12")
    }

    @Test func badRequestsAreRefused() throws {
        let model = try PipelineFixtures.model()
        let pipeline = StableDiffusionPipeline(model: model)
        let mask = try InpaintPipelineFixtures.mask()
        func refused(_ change: (inout GenerationRequest) throws -> Void) throws -> Bool {
            var request = try Self.request(A1111InpaintOptions())
            try change(&request)
            do { _ = try pipeline.generate(request) } catch is GenerationError { return true }
            return false
        }
        #expect(try refused { $0.inpainting?.mask = try Mask(width: 32, height: 64) })
        #expect(try refused { $0.initImage = nil })
        #expect(try refused { $0.outpainting = Outpainting(left: 8, top: 0, right: 0, bottom: 0) })
        #expect(try refused { request in
            request.inpainting = nil
            request.outpainting = Outpainting(left: -8, top: 0, right: 8, bottom: 0)
        })
        #expect(try refused { request in
            var options = A1111InpaintOptions()
            options.maskBlurX = -1
            request.inpainting = Inpainting(mask: mask, method: .a1111(options))
        })
        #expect(try refused { request in
            request.inpainting = nil
            var unit = ControlUnit(controlNet: try ControlPipelineFixtures.net("a"), image: mask.image)
            unit.usesInpaintCondition = true
            request.controlUnits = [unit]
        })
        // An inpainting model cannot run text-to-image.
        var plain = GenerationRequest(prompt: "x")
        plain.steps = 1
        #expect(throws: GenerationError.self) {
            try StableDiffusionPipeline(model: try InpaintPipelineFixtures.inpaintingModel()).generate(plain)
        }
    }
}
