import EaselImage
import EaselTensor
import EaselTestSupport
import Testing

/// `FloatImage` blur/resize and the 8-bit blur against cv2 on the same float32/uint8 data: exact (measured
/// error 0; both sides run OpenCV's own code on this CPU). Where the opencv-python wheel used Intel IPP (the
/// float resizes), the IPP-free result is the reference; the wheel's differs from it by up to 1.2e-4.
@Suite struct FloatImageTests {
    let fixture: ReferenceFixture
    let gray: FloatImage
    let photo: FloatImage

    init() throws {
        fixture = try ReferenceFixture("opencv_float.safetensors", in: .module)
        gray = try Self.floatImage(try fixture.tensor("gray"))
        photo = try Self.floatImage(try fixture.tensor("photo"))
    }

    static func floatImage(_ tensor: Tensor) throws -> FloatImage {
        try FloatImage(width: tensor.shape[1], height: tensor.shape[0],
                       channels: tensor.shape.count == 3 ? tensor.shape[2] : 1, values: tensor.scalars)
    }

    /// The reference for `name`: OpenCV's own (IPP-free) result when the wheel's differed.
    func reference(_ name: String) throws -> [Float] {
        if fixture.file.tensors[name + "_noipp"] != nil { return try fixture.tensor(name + "_noipp").scalars }
        return try fixture.tensor(name).scalars
    }

    @Test func gaussianBlurFloat() throws {
        let cases: [(String, FloatImage, Double)] = [
            ("blur_gray_3", gray, 3), ("blur_photo_0p5", photo, 0.5), ("blur_photo_5", photo, 5),
        ]
        for (name, input, sigma) in cases {
            let output = try input.gaussianBlurred(sigmaX: sigma)
            let expected = try reference(name)
            #expect(output.values == expected, "\(name): max relative error \(maxRelativeError(output.values, expected))")
        }
    }

    @Test func resizeFloat() throws {
        let cubic = try gray.resized(width: 61, height: 53, interpolation: .cubic)
        let linear = try photo.resized(width: 21, height: 17, interpolation: .linear)
        #expect(cubic.values == (try reference("resize_gray_cubic")))
        #expect(linear.values == (try reference("resize_photo_linear")))
    }

    @Test func gaussianBlur8Bit() throws {
        let source = try Image(width: photo.width, height: photo.height, layout: .rgb,
                               pixels: photo.values.map { UInt8($0) })
        let output = try source.gaussianBlurred(sigmaX: 3)
        #expect(output.pixels.map { Float($0) } == (try reference("blur_u8_photo_3")))
    }
}
