import EaselImage
import EaselTestSupport
import Testing

/// A1111's masked-content fill and Pillow's GaussianBlur it is built on.
@Suite struct MaskFillTests {
    /// Pillow's box-approximated Gaussian on RGBA, radii 0 to far beyond the image: exact.
    @Test func pillowGaussianBlurEqualsPillow() throws {
        let m = try MaskFixtures.manifest()
        let rgba = try MaskFixtures.image(m.rgba_alpha)
        for c in m.pillow_blur {
            let blurred = try rgba.pillowGaussianBlurred(radius: c.radius)
            let expected = try MaskFixtures.image(c.expected)
            #expect(blurred == expected, "radius \(c.radius): \(differenceText(blurred, expected))")
        }
        #expect(throws: ImageError.self) { try rgba.pillowGaussianBlurred(radius: -1) }
    }

    /// `masking.fill` with a blurred and a hard mask: exact.
    @Test func fillEqualsA1111() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        for c in m.fill {
            let filled = try photo.filledMaskedArea(mask: MaskFixtures.mask(c.mask))
            let expected = try MaskFixtures.image(c.expected)
            #expect(filled == expected, "\(c.expected): \(differenceText(filled, expected))")
        }
    }

    /// Pixels the mask leaves fully unmasked keep their colour through the fill.
    @Test func fillKeepsUnmaskedPixels() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        let mask = try MaskFixtures.mask(m.fill[0].mask)
        let filled = try photo.filledMaskedArea(mask: mask)
        for index in 0..<(mask.width * mask.height) where mask.values[index] == 0 {
            for channel in 0..<3 {
                #expect(filled.pixels[index * 3 + channel] == photo.pixels[index * 3 + channel])
            }
        }
    }
}
