import AnnotatorCore
import CannyAnnotator
import EaselImage
import Testing

/// `CannyAnnotator` against controlnet_aux's CannyDetector on chelsea.png and rocket.jpg, with the defaults
/// (thresholds 100/200, resolutions 512/512) and with other thresholds and resolutions (enlarging with
/// Lanczos4, shrinking with INTER_AREA, the map enlarged with INTER_LINEAR). Exact.
@Suite struct CannyAnnotatorTests {
    @Test(arguments: AnnotatorFixtures.manifest?.canny ?? [])
    func matchesControlnetAux(_ testCase: AnnotatorFixtures.CannyCase) throws {
        let input = try AnnotatorFixtures.image(testCase.input)
        let annotator = CannyAnnotator(low: testCase.low, high: testCase.high)
        let options = AnnotationOptions(detectResolution: testCase.detect_resolution,
                                        imageResolution: testCase.image_resolution)
        let map = try annotator.annotate(input, options: options)
        try expectMatches(map, expected: testCase.expected, withoutIPP: testCase.expected_without_ipp, ippBound: 0)
    }

    @Test func defaultsAreControlnetAuxDefaults() throws {
        let annotator = CannyAnnotator()
        #expect(annotator.lowThreshold == 100 && annotator.highThreshold == 200)
        #expect(annotator.defaultDetectResolution == 512 && annotator.name == "canny")
        // With no options the map has the detection size (controlnet_aux: image_resolution 512 = detect 512).
        let input = try AnnotatorFixtures.image("chelsea.png")
        let map = try annotator.annotate(input)
        #expect(map.width == 768 && map.height == 512 && map.layout == .rgb)
        let binary = map.pixels.allSatisfy { $0 == 0 || $0 == 255 }
        #expect(binary, "Canny maps are 0 or 255")
    }

    @Test func acceptsGrayAndRGBAInput() throws {
        let rgb = try AnnotatorFixtures.image("chelsea.png")
        let gray = rgb.converted(to: .gray)
        let map = try CannyAnnotator().annotate(gray, options: AnnotationOptions(detectResolution: 128))
        #expect(map.layout == .rgb && map.height == 128)
        let rgba = rgb.converted(to: .rgba)
        let same = try CannyAnnotator().annotate(rgba) == (try CannyAnnotator().annotate(rgb))
        #expect(same, "an opaque RGBA image gives the RGB image's map")
    }

    @Test func rejectsBadOptions() throws {
        let input = try Image(width: 8, height: 8, layout: .rgb)
        #expect(throws: AnnotatorError.self) { try CannyAnnotator(low: -1, high: 10).annotate(input) }
        #expect(throws: AnnotatorError.self) {
            try CannyAnnotator().annotate(input, options: AnnotationOptions(detectResolution: 0))
        }
        // A resolution that rounds a side to zero (8 * 16 / 8 / 64 rounds to 0).
        #expect(throws: ImageError.self) {
            try CannyAnnotator().annotate(input, options: AnnotationOptions(detectResolution: 16))
        }
    }
}
