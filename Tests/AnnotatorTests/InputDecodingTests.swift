import EaselImage
import Testing

/// The annotator inputs decode to the same pixels as Pillow and cv2.imdecode give (rocket.jpg through the
/// system libjpeg-turbo 2.1 under OpenCV 4.6, the PNGs through libpng), so map differences can only come
/// from the annotators.
@Suite struct InputDecodingTests {
    @Test(arguments: ["chelsea.png", "rocket.jpg", "scribble_house.png"])
    func decodesLikePillow(_ name: String) throws {
        let digest = try #require(AnnotatorFixtures.manifest?.inputs[name])
        let image = try AnnotatorFixtures.image(name)
        #expect(image.width == digest.width && image.height == digest.height && image.layout == .rgb)
        #expect(crc32(image.pixels) == digest.crc32)
    }
}
