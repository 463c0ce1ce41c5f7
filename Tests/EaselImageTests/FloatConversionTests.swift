import EaselImage
import EaselTestSupport
import Testing

/// `planarFloats` and `init(planarFloats:)` against diffusers' VaeImageProcessor (preprocess,
/// pil_to_numpy, postprocess). Exact: the same float32 operations in the same order.
@Suite struct FloatConversionTests {
    @Test func matchesDiffusersImageProcessor() throws {
        let fixture = try ReferenceFixture("float_conversion.safetensors", in: .module)
        let source = try Fixtures.image(try fixture.string("source"))
        #expect(source.planarFloats(range: .minusOneToOne) == (try fixture.tensor("normalized")).scalars)
        #expect(source.planarFloats(range: .zeroToOne) == (try fixture.tensor("zero_one")).scalars)

        let floats = try fixture.tensor("floats")
        let (height, width) = (floats.shape[1], floats.shape[2])
        let image = try Image(planarFloats: floats.scalars, width: width, height: height, layout: .rgb, range: .minusOneToOne)
        let expected = try fixture.tensor("postprocessed").scalars.map { UInt8($0) }
        #expect(image.planarBytes() == expected)

        let clamped = floats.scalars.map { min(max($0, 0), 1) }
        let image01 = try Image(planarFloats: clamped, width: width, height: height, layout: .rgb, range: .zeroToOne)
        #expect(image01.planarBytes() == (try fixture.tensor("postprocessed_01")).scalars.map { UInt8($0) })
    }

    @Test func roundTripIsLossless() throws {
        let image = try Fixtures.image("photo.png")
        for range in [FloatRange.zeroToOne, .minusOneToOne] {
            let back = try Image(planarFloats: image.planarFloats(range: range), width: image.width,
                                 height: image.height, layout: image.layout, range: range)
            #expect(back == image)
        }
    }
}

extension Image {
    /// Pixels in CHW order.
    func planarBytes() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: pixels.count)
        let plane = width * height
        for index in 0..<plane {
            for channel in 0..<channels { output[channel * plane + index] = pixels[index * channels + channel] }
        }
        return output
    }
}
