import EaselImage
import EaselTestSupport
import Testing

/// `Mask` reading, invert, binarise, bounding box and A1111's mask blur against make_mask_fixtures.py.
@Suite struct MaskTests {
    @Test func readsLikeA1111AndPillow() throws {
        let m = try MaskFixtures.manifest()
        let rgba = try MaskFixtures.image(m.rgba_alpha)
        let opaque = try MaskFixtures.image(m.rgba_opaque)
        let photo = try MaskFixtures.image(m.photo)
        #expect(Mask(rgba) == (try MaskFixtures.mask(m.read.alpha_round)))
        #expect(Mask(rgba, rule: .a1111(round: false)) == (try MaskFixtures.mask(m.read.alpha_noround)))
        #expect(Mask(opaque) == (try MaskFixtures.mask(m.read.opaque)))
        #expect(Mask(photo) == (try MaskFixtures.mask(m.read.rgb_luminance)))
        #expect(Mask(rgba, rule: .luminance) == (try MaskFixtures.mask(m.read.rgba_luminance)))
        let gray = try MaskFixtures.mask(m.mask)
        #expect(Mask(gray.image) == gray)
    }

    @Test func invertBinariseAndBoundingBox() throws {
        let mask = try Mask(width: 4, height: 3, values: [0, 0, 0, 0, 0, 127, 128, 0, 0, 0, 129, 0])
        #expect(mask.inverted().values == mask.values.map { 255 - $0 })
        #expect(mask.inverted().inverted() == mask)
        #expect(mask.binarized().values == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0])
        #expect(mask.binarized(threshold: 127).values == [0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 255, 0])
        #expect(mask.boundingBox == PixelRegion(x1: 1, y1: 1, x2: 3, y2: 3))
        #expect(try Mask(width: 3, height: 3).boundingBox == nil)
        #expect(mask.doubled().values == [0, 0, 0, 0, 0, 254, 255, 0, 0, 0, 255, 0])
    }

    /// A1111's two one-dimensional cv2.GaussianBlur passes: exact (OpenCV 4.6 here, 5.0 in the reference).
    @Test func blurEqualsA1111() throws {
        let m = try MaskFixtures.manifest()
        let mask = try MaskFixtures.mask(m.mask)
        for c in m.blur {
            let blurred = try mask.blurred(x: c.x, y: c.y)
            let expected = try MaskFixtures.mask(c.expected)
            #expect(blurred == expected, "blur \(c.x)x\(c.y): \(differenceText(blurred.image, expected.image))")
        }
        #expect(try mask.blurred(0) == mask)
    }

    @Test func errors() throws {
        let mask = try Mask(width: 4, height: 3)
        #expect(throws: ImageError.self) { try mask.blurred(-1) }
        #expect(throws: ImageError.self) { try mask.blurred(x: 2, y: 5000) }
        #expect(throws: ImageError.self) { try Mask(width: 4, height: 3, values: [0, 1]) }
        #expect(throws: ImageError.self) { try Mask(width: 0, height: 3) }
        let image = try Image(width: 5, height: 3, layout: .rgb)
        do {
            try mask.checkSize(matches: image)
            Issue.record("a 4x3 mask passed for a 5x3 image")
        } catch let error as ImageError {
            #expect(error.description.contains("4x3") && error.description.contains("5x3"))
        }
        #expect(throws: ImageError.self) { try image.filledMaskedArea(mask: mask) }
        // A mask file of the wrong size: the error names the file and both sizes.
        let m = try MaskFixtures.manifest()
        let url = try MaskFixtures.folder.url(m.mask)
        #expect(try Mask.load(from: url, for: MaskFixtures.image(m.photo)) == (try MaskFixtures.mask(m.mask)))
        do {
            _ = try Mask.load(from: url, for: image)
            Issue.record("a 61x47 mask file passed for a 5x3 image")
        } catch let error as ImageError {
            #expect(error.description.contains(url.path) && error.description.contains("61x47"))
        }
        #expect(throws: ImageError.self) { try InpaintOverlay(original: image, mask: mask) }
    }
}
