import EaselImage
import EaselTestSupport
import Testing

/// controlnet_aux `HWC3` and `resize_image`, the A1111 extension's detect sizing, Pillow's luma.
@Suite struct ConventionTests {
    @Test(arguments: Fixtures.manifest?.hwc3 ?? [])
    func hwc3MatchesControlnetAux(_ testCase: Manifest.Pair) throws {
        let output = try Fixtures.image(testCase.input).hwc3()
        let difference = try #require(ImageDifference(output, try Fixtures.image(testCase.expected)))
        #expect(difference.mismatches == 0, "\(testCase.expected): \(difference)")
    }

    @Test(arguments: Fixtures.manifest?.detect_resize ?? [])
    func detectResizeMatchesReference(_ testCase: Manifest.DetectCase) throws {
        let rule: DetectResolutionRule = testCase.rule == "webUI" ? .webUI : .controlnetAux
        let output = try Fixtures.image(testCase.input).resizedForDetection(resolution: testCase.resolution, rule: rule)
        let difference = try #require(
            ImageDifference(output, try Fixtures.image(testCase.expected)), "\(testCase.expected): size")
        #expect(difference.mismatches == 0, "\(testCase.expected): \(difference)")
    }

    @Test func resizeImageRoundsHalfToEven() throws {
        // 75 * (96 / 75) / 64 = 1.5 -> 2; 75 * (160 / 75) / 64 = 2.5 -> 2 (NumPy's round).
        #expect(try DetectResolutionRule.controlnetAux.size(width: 101, height: 75, resolution: 96) == (128, 128))
        #expect(try DetectResolutionRule.controlnetAux.size(width: 101, height: 75, resolution: 160).height == 128)
        #expect(try DetectResolutionRule.controlnetAux.size(width: 451, height: 300, resolution: 512) == (768, 512))
        #expect(throws: ImageError.self) { try DetectResolutionRule.controlnetAux.size(width: 10, height: 10, resolution: 20) }
    }

    @Test func lumaMatchesPillowConvertL() throws {
        let manifest = try Fixtures.requireManifest()
        let output = try Fixtures.image(manifest.luma.input).converted(to: .gray)
        #expect(output == (try Fixtures.image(manifest.luma.expected)))
    }

    @Test func layoutConversions() throws {
        let rgba = try Image(width: 2, height: 1, layout: .rgba, pixels: [10, 20, 30, 255, 200, 100, 0, 0])
        #expect(rgba.converted(to: .rgb).pixels == [10, 20, 30, 255, 255, 255])
        #expect(rgba.droppingAlpha().pixels == [10, 20, 30, 200, 100, 0])
        let gray = try Image(width: 2, height: 1, layout: .gray, pixels: [0, 200])
        #expect(gray.converted(to: .rgb).pixels == [0, 0, 0, 200, 200, 200])
        #expect(gray.converted(to: .rgba).pixels == [0, 0, 0, 255, 200, 200, 200, 255])
        #expect(gray.converted(to: .rgb).converted(to: .gray) == gray)
    }
}
