import EaselImage
import EaselTestSupport
import Testing

/// `Image.resized(width:height:interpolation:)` against cv2.resize, every interpolation, gray/RGB/RGBA,
/// shrinking and enlarging. Exact against OpenCV's own code. The opencv-python wheels (4.6 and 5.0 alike)
/// send some INTER_CUBIC resizes through Intel IPP, which rounds differently; system OpenCV has no IPP,
/// so against the wheel's bytes those cases differ by at most 1 (on 2-4% of samples).
@Suite struct OpenCVResizeTests {
    @Test(arguments: Fixtures.manifest?.cv_resize ?? [])
    func matchesCv2Resize(_ testCase: Manifest.CVResize) throws {
        let input = try Fixtures.image(testCase.input)
        let interpolation = try OpenCVInterpolation(manifestName: testCase.interpolation)
        let output = try input.resized(width: testCase.width, height: testCase.height, interpolation: interpolation)
        let wheel = try #require(ImageDifference(output, try Fixtures.image(testCase.expected)))
        if let ownName = testCase.expected_without_ipp {
            let own = try #require(ImageDifference(output, try Fixtures.image(ownName)))
            #expect(own.mismatches == 0, "\(ownName): \(own)")
            #expect(wheel.maxAbsolute <= 1, "\(testCase.expected) (Intel IPP): \(wheel)")
        } else {
            #expect(wheel.mismatches == 0, "\(testCase.expected): \(wheel)")
        }
    }

    @Test func gaussianBlurOfAConstantIsTheConstant() throws {
        let image = try Image(width: 9, height: 7, layout: .rgb, filledWith: 77)
        #expect(try image.gaussianBlurred(sigmaX: 3) == image)
    }

    @Test func rejectsEmptySizes() throws {
        let image = try Image(width: 4, height: 4, layout: .gray)
        #expect(throws: ImageError.self) { try image.resized(width: 0, height: 4, interpolation: .area) }
        #expect(throws: ImageError.self) { try image.resizedLikePillow(width: 4, height: -1, filter: .lanczos) }
    }
}

/// `resizedLikePillow` against PIL's Image.resize: every filter, RGB/gray/RGBA (premultiplied), with
/// boxes including the zero-height ones A1111's fill uses. Exact.
@Suite struct PillowResizeTests {
    @Test(arguments: Fixtures.manifest?.pillow_resize ?? [])
    func matchesPillow(_ testCase: Manifest.PillowResize) throws {
        let input = try Fixtures.image(testCase.input)
        let expected = try Fixtures.image(testCase.expected)
        let box = testCase.box.map { PillowBox(left: $0[0], top: $0[1], right: $0[2], bottom: $0[3]) }
        let output = try input.resizedLikePillow(
            width: testCase.width, height: testCase.height, filter: try PillowFilter(manifestName: testCase.filter),
            box: box)
        let difference = try #require(ImageDifference(output, expected))
        #expect(difference.mismatches == 0, "\(testCase.expected): \(difference)")
    }
}

/// The three A1111 resize modes against a line-for-line port of AUTOMATIC1111's
/// `images.resize_image` (Pillow Lanczos, and cv2 INTER_LINEAR swapped in for the `.opencv` resampler).
@Suite struct ResizeModeTests {
    @Test(arguments: Fixtures.manifest?.resize_modes ?? [])
    func matchesA1111(_ testCase: Manifest.ModeCase) throws {
        let input = try Fixtures.image(testCase.input)
        let expected = try Fixtures.image(testCase.expected)
        let mode = try #require(ResizeMode(rawValue: testCase.mode))
        let resampler: Resampler
        switch testCase.resampler {
        case "pillow:lanczos": resampler = .pillow(.lanczos)
        case "opencv:linear": resampler = .opencv(.linear)
        default: throw Fixtures.missing("resampler \(testCase.resampler)")
        }
        let output = try input.resized(width: testCase.width, height: testCase.height, mode: mode, resampler: resampler)
        let difference = try #require(ImageDifference(output, expected))
        #expect(difference.mismatches == 0, "\(testCase.expected): \(difference)")
    }
}
