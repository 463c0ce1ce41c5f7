import EaselImage
import EaselTestSupport
import Testing

/// StableDiffusionInpaintPipeline's image, mask, masked image and latent mask, bit for bit against diffusers.
@Suite struct MaskDiffusersTests {
    @Test func inputsEqualDiffusers() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        let mask = try MaskFixtures.mask(m.fill[0].mask)
        for c in m.diffusers {
            let crop = c.crop.map { PixelRegion($0) }
            if let crop {
                #expect(try mask.inpaintCropRegion(padding: 4, processingWidth: c.width, processingHeight: c.height) == crop)
            }
            let inputs = try DiffusersInpaintInputs(image: photo, mask: mask, width: c.width, height: c.height, crop: crop)
            let label = "\(c.width)x\(c.height) crop \(String(describing: crop))"
            #expect(sameBits(inputs.image, try MaskFixtures.floats(c.image)), "image \(label)")
            #expect(sameBits(inputs.mask, try MaskFixtures.floats(c.mask)), "mask \(label)")
            #expect(sameBits(inputs.maskedImage, try MaskFixtures.floats(c.masked_image)), "masked image \(label)")
            #expect(sameBits(inputs.latentMask, try MaskFixtures.floats(c.latent_mask)), "latent mask \(label)")
            #expect(inputs.latentWidth == c.width / 8 && inputs.latentHeight == c.height / 8)
        }
    }

    /// diffusers' paste-back for `padding_mask_crop` (`VaeImageProcessor.apply_overlay` with `crop_coords`)
    /// equals `InpaintOverlay` with the crop region: exact.
    @Test func pasteBackEqualsDiffusers() throws {
        let m = try MaskFixtures.manifest()
        let overlay = try InpaintOverlay(original: MaskFixtures.image(m.photo), mask: MaskFixtures.mask(m.fill[0].mask))
        let pasted = try overlay.applied(to: MaskFixtures.image(m.diffusers_overlay.generated),
                                         region: PixelRegion(m.diffusers_overlay.crop))
        let expected = try MaskFixtures.image(m.diffusers_overlay.expected)
        #expect(pasted == expected, "\(differenceText(pasted, expected))")
    }

    /// The ControlNet v1.1 inpaint condition (masked pixels -1): exact.
    @Test func controlNetInpaintCondition() throws {
        let m = try MaskFixtures.manifest()
        let photo = try MaskFixtures.image(m.photo)
        let condition = try photo.controlNetInpaintCondition(mask: MaskFixtures.mask(m.fill[0].mask))
        #expect(sameBits(condition, try MaskFixtures.floats(m.controlnet_inpaint)))
        #expect(throws: ImageError.self) { try photo.controlNetInpaintCondition(mask: Mask(width: 2, height: 2)) }
    }

    /// `VaeImageProcessor.blur(mask, 4)` (Pillow's GaussianBlur on a gray image): exact.
    @Test func blurEqualsDiffusers() throws {
        let m = try MaskFixtures.manifest()
        let blurred = try MaskFixtures.mask(m.mask).pillowGaussianBlurred(radius: 4)
        let expected = try MaskFixtures.mask(m.diffusers_blur)
        #expect(blurred == expected, "\(differenceText(blurred.image, expected.image))")
    }

    /// The mask alone (`mask_processor` / `IPAdapterMaskProcessor.preprocess`) is the inputs' mask.
    @Test func maskPreprocessingAlone() throws {
        let m = try MaskFixtures.manifest()
        let mask = try MaskFixtures.mask(m.fill[0].mask)
        for c in m.diffusers {
            let values = try mask.diffusersProcessed(width: c.width, height: c.height, crop: c.crop.map { PixelRegion($0) })
            #expect(sameBits(values, try MaskFixtures.floats(c.mask)))
        }
    }

    @Test func sizeMustDivideByEight() throws {
        let image = try Image(width: 16, height: 16, layout: .rgb)
        let mask = try Mask(width: 16, height: 16)
        #expect(throws: ImageError.self) { try DiffusersInpaintInputs(image: image, mask: mask, width: 20, height: 16) }
        #expect(throws: ImageError.self) { try DiffusersInpaintInputs(image: image, mask: mask, width: 0, height: 16) }
    }
}
