import EaselImage
import EaselTestSupport
import Testing

/// `A1111InpaintPreparation` against a step-by-step restatement of A1111's `StableDiffusionProcessingImg2Img.init`
/// and `apply_overlay` (make_mask_fixtures.py): whole picture in the three resize modes, only masked,
/// inverted, an RGBA image flattened onto white; the processed image, mask, overlay, latent mask and the
/// pasted-back result are all exact.
@Suite struct MaskA1111InpaintTests {
    @Test func preparationEqualsA1111() throws {
        let m = try MaskFixtures.manifest()
        let mask = try MaskFixtures.mask(m.mask)
        for c in m.a1111_init {
            var options = A1111InpaintOptions()
            options.maskBlurX = c.blur_x
            options.maskBlurY = c.blur_y
            options.invertMask = c.invert
            options.maskedContent = try #require(MaskedContent.allCases.first { $0.a1111Index == c.fill })
            options.area = c.padding.map { .onlyMasked(padding: $0) } ?? .wholePicture
            options.resizeMode = try #require(ResizeMode(rawValue: c.resize_mode))
            let prepared = try A1111InpaintPreparation(
                image: MaskFixtures.image(c.source), mask: mask, width: c.width, height: c.height, options: options)
            let expectedImage = try MaskFixtures.image(c.image)
            #expect(prepared.image == expectedImage, "\(c.name) image: \(differenceText(prepared.image, expectedImage))")
            let expectedMask = try MaskFixtures.mask(c.mask)
            #expect(prepared.mask == expectedMask, "\(c.name) mask: \(differenceText(prepared.mask.image, expectedMask.image))")
            let expectedOverlay = try MaskFixtures.image(c.overlay)
            #expect(prepared.overlay.rgba == expectedOverlay,
                    "\(c.name) overlay: \(differenceText(prepared.overlay.rgba, expectedOverlay))")
            #expect(prepared.pasteRegion == c.region.map { PixelRegion($0) }, "\(c.name) region")
            let latent = try prepared.latentMask(latentWidth: c.width / 8, latentHeight: c.height / 8)
            #expect(sameBits(latent, try MaskFixtures.floats(c.latmask)), "\(c.name) latent mask")
            let generated = try Image(width: c.width, height: c.height, layout: .rgb,
                                      pixels: (0..<(c.width * c.height * 3)).map { UInt8(($0 * 7) % 256) })
            let finished = try prepared.finished(generated)
            let expectedFinished = try MaskFixtures.image(c.finished)
            #expect(finished == expectedFinished, "\(c.name) finished: \(differenceText(finished, expectedFinished))")
        }
    }

    /// Only masked at the image's own scale: every pixel the blurred mask leaves at 0 is the input's.
    @Test func onlyMaskedRestoresTheUnmaskedInput() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        var options = A1111InpaintOptions()
        options.area = .onlyMasked(padding: 8)
        options.maskedContent = .fill
        let prepared = try A1111InpaintPreparation(image: photo, mask: MaskFixtures.mask(m.mask), width: 24, height: 24,
                                                   options: options)
        let finished = try prepared.finished(Image(width: 24, height: 24, layout: .rgb, filledWith: 200))
        let blurred = try MaskFixtures.mask(m.mask).blurred(4)
        #expect(finished.width == photo.width && finished.height == photo.height)
        for index in 0..<(photo.width * photo.height) where blurred.values[index] == 0 {
            for channel in 0..<3 { #expect(finished.pixels[index * 3 + channel] == photo.pixels[index * 3 + channel]) }
        }
    }

    @Test func errors() throws {
        let image = try Image(width: 16, height: 16, layout: .rgb)
        var options = A1111InpaintOptions()
        options.area = .onlyMasked(padding: 4)
        #expect(throws: ImageError.self) {
            try A1111InpaintPreparation(image: image, mask: Mask(width: 16, height: 16), width: 8, height: 8, options: options)
        }
        #expect(throws: ImageError.self) {
            try A1111InpaintPreparation(image: image, mask: Mask(width: 8, height: 16), width: 8, height: 8)
        }
        #expect(throws: ImageError.self) {
            try A1111InpaintPreparation(image: image, mask: Mask(width: 16, height: 16), width: 0, height: 8)
        }
    }
}
