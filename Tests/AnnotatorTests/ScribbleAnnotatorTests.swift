import AnnotatorCore
import EaselImage
import ScribbleAnnotator
import Testing

/// `ScribbleAnnotator` against the A1111 ControlNet extension's "scribble_thr" (and "invert" then
/// "scribble_thr" for the white-on-black version of the drawing), at the detect resolution unchanged
/// (512), shrunk (384, INTER_AREA) and enlarged (700, INTER_CUBIC). Exact against OpenCV's own code; the
/// 700 case's INTER_CUBIC goes through Intel IPP in the opencv-python wheel, which flips 1 pixel.
@Suite struct ScribbleAnnotatorTests {
    @Test(arguments: AnnotatorFixtures.manifest?.scribble ?? [])
    func matchesWebUIScribble(_ testCase: AnnotatorFixtures.ScribbleCase) throws {
        var input = try AnnotatorFixtures.image(testCase.input)
        if testCase.inverted { input = inverted(input) }
        let map = try ScribbleAnnotator().annotate(input, options: AnnotationOptions(detectResolution: testCase.resolution))
        // Enlarging uses INTER_CUBIC; where the wheel's IPP rounds it differently, a few threshold decisions
        // flip: 3 samples (1 pixel) at 700, the measured count.
        try expectMatches(map, expected: testCase.expected, withoutIPP: testCase.expected_without_ipp, ippBound: 3)
    }

    @Test func polarityIsDetectedFromTheBorder() throws {
        let drawing = try AnnotatorFixtures.image("scribble_house.png")
        #expect(!ScribbleAnnotator.isLightOnDark(drawing))
        #expect(ScribbleAnnotator.isLightOnDark(inverted(drawing)))
        // A dark silhouette covering most of a white page is still dark-on-light: its border is white.
        var silhouette = try Image(width: 40, height: 30, layout: .rgb, filledWith: 255)
        for y in 2..<28 { for x in 2..<38 { for c in 0..<3 { silhouette[x, y, c] = 0 } } }
        #expect(!ScribbleAnnotator.isLightOnDark(silhouette))
    }

    @Test func explicitPolarityOverridesDetection() throws {
        let drawing = try AnnotatorFixtures.image("scribble_house.png")
        let automatic = try ScribbleAnnotator().annotate(drawing)
        let darkOnLight = try ScribbleAnnotator(polarity: .darkOnLight).annotate(drawing)
        #expect(automatic == darkOnLight, "the house is detected as dark strokes on white")
        // Forcing light-on-dark thresholds the inverted drawing, as dark-on-light does on 255 - drawing.
        let forced = try ScribbleAnnotator(polarity: .lightOnDark).annotate(drawing)
        let viaInverse = try ScribbleAnnotator(polarity: .darkOnLight).annotate(inverted(drawing))
        #expect(forced == viaInverse)
        #expect(forced != automatic)
    }

    @Test func ownFlowRunsThroughTheProtocol() throws {
        // The CLI picks annotators by name as `any Annotator`: Scribble's polarity step must still run.
        let drawing = inverted(try AnnotatorFixtures.image("scribble_house.png"))
        let annotator: any Annotator = ScribbleAnnotator()
        let viaProtocol = try annotator.annotate(drawing)
        let direct = try ScribbleAnnotator().annotate(drawing, options: AnnotationOptions())
        #expect(viaProtocol == direct)
        #expect(viaProtocol == (try ScribbleAnnotator().annotate(try AnnotatorFixtures.image("scribble_house.png"))))
    }

    @Test func mapIsBinaryWhiteOnBlack() throws {
        let map = try ScribbleAnnotator().annotate(try AnnotatorFixtures.image("scribble_house.png"))
        #expect(map.layout == .rgb && map.width == 512 && map.height == 512)
        let binary = map.pixels.allSatisfy { $0 == 0 || $0 == 255 }
        #expect(binary)
        let white = map.pixels.filter { $0 == 255 }.count
        #expect(white > 0 && white < map.pixels.count / 4)  // thin strokes, mostly black
    }

    func inverted(_ image: Image) -> Image {
        var result = image
        result.withUnsafeMutablePixels { pixels in
            for index in pixels.indices { pixels[index] = 255 - pixels[index] }
        }
        return result
    }
}
