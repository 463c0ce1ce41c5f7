import EaselImage
import EaselTestSupport
import Testing

/// The outpainting canvas: fills against NumPy's `np.pad` and a SplitMix64 restatement, the original kept in
/// place, the feathered mask, errors.
@Suite struct CanvasTests {
    @Test func fillsEqualReference() throws {
        let m = try MaskFixtures.manifest()
        let source = try MaskFixtures.image(m.canvas_source)
        let c = m.canvas
        for (fill, name) in [(CanvasFill.edge, c.edge), (.mirror, c.mirror), (.noise(seed: c.seed), c.noise), (.gray, c.gray)] {
            let grown = try source.extended(left: c.left, top: c.top, right: c.right, bottom: c.bottom, fill: fill)
            let expected = try MaskFixtures.image(name)
            #expect(grown == expected, "\(fill): \(differenceText(grown, expected))")
        }
    }

    @Test func originalKeepsItsPixelsAndPlace() throws {
        let m = try MaskFixtures.manifest()
        let source = try MaskFixtures.image(m.photo)
        for fill in [CanvasFill.edge, .mirror, .noise(seed: 7), .gray] {
            for (l, t, r, b) in [(0, 0, 0, 0), (8, 0, 0, 0), (0, 5, 3, 70), (100, 1, 2, 3)] {
                let canvas = try OutpaintCanvas(extending: source, left: l, top: t, right: r, bottom: b, fill: fill, feather: 4)
                #expect(canvas.image.width == source.width + l + r && canvas.image.height == source.height + t + b)
                #expect(canvas.original == PixelRegion(x1: l, y1: t, x2: l + source.width, y2: t + source.height))
                #expect(try canvas.image.cropped(to: canvas.original) == source, "\(fill) \(l),\(t),\(r),\(b)")
            }
        }
        let rgba = try Image(width: 3, height: 2, layout: .rgba, filledWith: 10)
        let grown = try rgba.extended(left: 1, top: 0, right: 0, bottom: 0, fill: .noise(seed: 1))
        #expect(grown[0, 0, 3] == 255 && grown[0, 1, 3] == 255)
        #expect(try rgba.extended(left: 1, top: 0, right: 0, bottom: 0, fill: .gray)[0, 0, 0] == 128)
    }

    @Test func featheredMask() throws {
        let source = try Image(width: 10, height: 8, layout: .gray, filledWith: 50)
        let canvas = try OutpaintCanvas(extending: source, left: 2, top: 0, right: 0, bottom: 1, fill: .edge, feather: 3)
        let mask = canvas.mask
        #expect(mask.width == 12 && mask.height == 9)
        // The original (x 2..<12, y 0..<8) is 0 everywhere; the new area ramps outward from it: 64, 128, 191,
        // then 255 (here the left band is 2 wide and the bottom band 1 high, so only 128, 64 and 64 show).
        #expect((0..<8).allSatisfy { y in (2..<12).allSatisfy { mask[$0, y] == 0 } })
        #expect((0..<8).allSatisfy { mask[1, $0] == 64 && mask[0, $0] == 128 })
        #expect((2..<12).allSatisfy { mask[$0, 8] == 64 })
        // The corner takes the larger of its two distances.
        #expect(mask[1, 8] == 64 && mask[0, 8] == 128)
        let wide = try OutpaintCanvas(extending: source, left: 5, top: 0, right: 0, bottom: 0, fill: .edge, feather: 3)
        #expect((0..<5).map { wide.mask[$0, 3] } == [255, 255, 191, 128, 64])
        let hard = try OutpaintCanvas(extending: source, left: 2, top: 0, right: 0, bottom: 0, fill: .gray, feather: 0)
        #expect(hard.mask.values.filter { $0 == 255 }.count == 2 * 8)
        #expect(hard.mask.values.allSatisfy { $0 == 0 || $0 == 255 })
    }

    @Test func optionNames() {
        #expect(CanvasFill(name: "edge") == .edge && CanvasFill(name: "mirror") == .mirror)
        #expect(CanvasFill(name: "noise", seed: 9) == .noise(seed: 9) && CanvasFill(name: "gray") == .gray)
        #expect(CanvasFill(name: "blue") == nil)
        #expect(InpaintArea(name: "whole") == .wholePicture && InpaintArea(name: "masked", padding: 8) == .onlyMasked(padding: 8))
        #expect(InpaintArea(name: "all") == nil)
        #expect(MaskedContent(rawValue: "latent-noise") == .latentNoise && MaskedContent(rawValue: "fill") == .fill)
    }

    @Test func badExtensionsAreClearErrors() throws {
        let source = try Image(width: 10, height: 8, layout: .rgb)
        #expect(throws: ImageError.self) { try source.extended(left: -1, top: 0, right: 0, bottom: 0, fill: .edge) }
        #expect(throws: ImageError.self) { try source.extended(left: 0, top: 0, right: Int.max, bottom: 0, fill: .edge) }
        #expect(throws: ImageError.self) { try source.extended(left: 0, top: 20000, right: 0, bottom: 0, fill: .gray) }
        #expect(throws: ImageError.self) {
            try OutpaintCanvas(extending: source, left: 1, top: 0, right: 0, bottom: 0, fill: .edge, feather: -2)
        }
        do {
            _ = try source.extended(left: 0, top: 0, right: -64, bottom: 0, fill: .mirror)
            Issue.record("a negative extension passed")
        } catch let error as ImageError {
            #expect(error.description.contains("-64"))
        }
    }
}
