import EaselImage
import EaselTestSupport
import Testing

/// "Inpaint only masked" regions and the paste-back (A1111's `apply_overlay`).
@Suite struct MaskCropTests {
    @Test func cropRegionsEqualA1111AndDiffusers() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        for c in m.crop {
            var mask = try Mask(width: photo.width, height: photo.height)
            for y in c.box[1]..<c.box[3] { for x in c.box[0]..<c.box[2] { mask[x, y] = 255 } }
            #expect(try mask.cropRegion(padding: c.padding) == PixelRegion(c.region), "\(c.box) pad \(c.padding)")
            #expect(try mask.inpaintCropRegion(padding: c.padding, processingWidth: c.width, processingHeight: c.height)
                    == PixelRegion(c.expanded), "\(c.box) pad \(c.padding) for \(c.width)x\(c.height)")
        }
        #expect(try Mask(width: 5, height: 5).inpaintCropRegion(padding: 4, processingWidth: 8, processingHeight: 8) == nil)
        #expect(throws: ImageError.self) { try Mask(width: 5, height: 5).cropRegion(padding: -1) }
    }

    /// Whole picture: the overlay of the doubled blurred mask, laid over a generated image: exact.
    @Test func pasteBackWholePictureEqualsA1111() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        let overlay = try InpaintOverlay(original: photo, mask: MaskFixtures.mask(m.overlay_whole.mask_doubled))
        let expectedOverlay = try MaskFixtures.image(m.overlay_whole.overlay)
        #expect(overlay.rgba == expectedOverlay, "\(differenceText(overlay.rgba, expectedOverlay))")
        let pasted = try overlay.applied(to: MaskFixtures.image(m.generated))
        let expected = try MaskFixtures.image(m.overlay_whole.expected)
        #expect(pasted == expected, "\(differenceText(pasted, expected))")
        #expect(try MaskFixtures.mask(m.fill[0].mask).doubled() == (try MaskFixtures.mask(m.overlay_whole.mask_doubled)))
    }

    /// Only masked: the 32x24 generation scaled into the region and laid under the overlay: exact.
    @Test func pasteBackOnlyMaskedEqualsA1111() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        let blurred = try MaskFixtures.mask(m.fill[0].mask)
        let region = try #require(try blurred.inpaintCropRegion(padding: 4, processingWidth: 32, processingHeight: 24))
        #expect(region == PixelRegion(m.overlay_masked.region))
        let pasted = try InpaintOverlay(original: photo, mask: blurred)
            .applied(to: MaskFixtures.image(m.overlay_masked.generated), region: region)
        let expected = try MaskFixtures.image(m.overlay_masked.expected)
        #expect(pasted == expected, "\(differenceText(pasted, expected))")
    }

    /// The defining property: wherever the mask is 0, the result is the original, whatever was generated.
    @Test func unmaskedPixelsComeBackExactly() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        let mask = try MaskFixtures.mask(m.mask).blurred(3)
        var generated = photo
        generated = try Image(width: photo.width, height: photo.height, layout: .rgb,
                              pixels: photo.pixels.enumerated().map { UInt8(($0.offset * 37 + 11) % 256) })
        let pasted = try InpaintOverlay(original: photo, mask: mask).applied(to: generated)
        var unmasked = 0
        for index in 0..<(mask.width * mask.height) where mask.values[index] == 0 {
            unmasked += 1
            for channel in 0..<3 { #expect(pasted.pixels[index * 3 + channel] == photo.pixels[index * 3 + channel]) }
        }
        #expect(unmasked > 0)
        // Fully masked pixels come from the generated image.
        for index in 0..<(mask.width * mask.height) where mask.values[index] == 255 {
            for channel in 0..<3 { #expect(pasted.pixels[index * 3 + channel] == generated.pixels[index * 3 + channel]) }
        }
        let region = try #require(try mask.inpaintCropRegion(padding: 2, processingWidth: 16, processingHeight: 16))
        let small = try Image(width: 16, height: 16, layout: .rgb, filledWith: 9)
        let pastedRegion = try InpaintOverlay(original: photo, mask: mask).applied(to: small, region: region)
        for index in 0..<(mask.width * mask.height) where mask.values[index] == 0 {
            for channel in 0..<3 { #expect(pastedRegion.pixels[index * 3 + channel] == photo.pixels[index * 3 + channel]) }
        }
        #expect(throws: ImageError.self) { try InpaintOverlay(original: photo, mask: mask).applied(to: small) }
    }

    /// A1111's latent mask (`latmask`) of the processed mask: exact.
    @Test func latentMaskEqualsA1111() throws {
        let m = try MaskFixtures.manifest()
        let processed = try MaskFixtures.mask(m.latmask.mask)
        let rounded = try processed.a1111LatentMask(latentWidth: m.latmask.width, latentHeight: m.latmask.height)
        #expect(sameBits(rounded, try MaskFixtures.floats(m.latmask.round)))
        let raw = try processed.a1111LatentMask(latentWidth: m.latmask.width, latentHeight: m.latmask.height, round: false)
        #expect(sameBits(raw, try MaskFixtures.floats(m.latmask.noround)))
    }
}
