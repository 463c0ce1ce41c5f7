import AnnotatorCore
import DepthAnnotator
import EaselDiffusion
import EaselImage
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// `DepthAnnotator` end to end on the tiny fixture networks: the flow, sizes and conventions (the networks and
/// the post-processing are compared with their references in DepthNetworkTests and DepthMapTests).
@Suite struct DepthAnnotatorTests {
    static let folder = FixtureFolder(.module, writtenBy: "make_depth_fixtures.py")

    /// A smooth colour ramp, 128x64.
    static func photo() throws -> Image {
        var pixels: [UInt8] = []
        for y in 0..<64 {
            for x in 0..<128 {
                let red = UInt8(x * 2 % 256), green = UInt8(y * 3), blue = UInt8((x + y) % 256)
                pixels.append(contentsOf: [red, green, blue])
            }
        }
        return try Image(width: 128, height: 64, layout: .rgb, pixels: pixels)
    }

    @Test(arguments: DepthAnnotator.Kind.allCases, DepthAnnotator.Output.allCases)
    func annotatesAtTheDetectSize(kind: DepthAnnotator.Kind, output: DepthAnnotator.Output) throws {
        let name = kind == .midas ? "Depth_dpt_hybrid" : "Depth_depth_anything"
        let annotator = try DepthAnnotator(kind: kind, contentsOf: Self.folder.url(name), output: output)
        #expect(annotator.name == "depth")
        // controlnet_aux's resize_image: 64 / min(128, 64) = 1, and both sides are multiples of 64: the size stays.
        let map = try annotator.annotate(try Self.photo(), options: AnnotationOptions(detectResolution: 64))
        #expect(map.width == 128 && map.height == 64 && map.layout == .rgb)
        if output == .depth {
            // Min-max normalised: both ends of the range are used, and the three channels are equal.
            let gray = stride(from: 0, to: map.pixels.count, by: 3).map { map.pixels[$0] }
            #expect(gray.min() == 0 && gray.max() == 255)
            let pixels = map.pixels
            let equal = stride(from: 0, to: pixels.count, by: 3).allSatisfy { (i: Int) -> Bool in
                pixels[i] == pixels[i + 1] && pixels[i] == pixels[i + 2]
            }
            #expect(equal)
        } else {
            // Unit normals with z = 2π > 0: the first (z) channel is always at least 127.
            let pixels = map.pixels
            let facing = stride(from: 0, to: pixels.count, by: 3).allSatisfy { (i: Int) -> Bool in pixels[i] >= 127 }
            #expect(facing)
        }
    }

    /// A1111's depth_anything preprocessor (re-stated in the fixture script) on the tiny model: edge padding to
    /// 64, swapped channels, 518 lower-bound resize, min-max over the padded map, crop.
    @Test func depthAnythingMatchesA1111() throws {
        let fixture = try ReferenceFixture("Depth_a1111_depth_anything.safetensors", in: .module)
        let image = try fixture.tensor("image"), expected = try fixture.tensor("depth_image")
        let (height, width) = (image.shape[0], image.shape[1])
        let input = try Image(width: width, height: height, layout: .rgb, pixels: image.scalars.map { UInt8($0) })
        let annotator = try DepthAnnotator(kind: .depthAnything, contentsOf: Self.folder.url("Depth_depth_anything"))
        // The A1111 resize rule at the image's own short side keeps the size.
        let map = try annotator.annotate(input, options: AnnotationOptions(detectResolution: height))
        #expect(map.width == width && map.height == height)
        let gray = stride(from: 0, to: map.pixels.count, by: 3).map { Float(map.pixels[$0]) }
        let deltas = zip(gray, expected.scalars).map { abs($0 - $1) }
        let differing = deltas.filter { $0 != 0 }.count
        print("Depth Anything A1111 map: \(differing) of \(deltas.count) pixels differ, max \(deltas.max() ?? 0)")
        #expect(differing == 0)
    }

    @Test func depthAnythingInputSizeFollowsTheLowerBoundRule() {
        #expect(DepthAnnotator.depthAnythingInputSize(width: 512, height: 512) == (518, 518))
        // 518 / 512 * 768 = 777 -> 777 / 14 = 55.5 -> 56 (half to even) * 14 = 784.
        #expect(DepthAnnotator.depthAnythingInputSize(width: 768, height: 512) == (784, 518))
        #expect(DepthAnnotator.depthAnythingInputSize(width: 512, height: 1024) == (518, 1036))
    }

    @Test func midasRefusesSidesThatAreNotPatchMultiples() throws {
        let annotator = try DepthAnnotator(kind: .midas, contentsOf: Self.folder.url("Depth_dpt_hybrid"))
        let odd = try Image(width: 40, height: 24, layout: .rgb, filledWith: 9)
        #expect(throws: AnnotatorError.self) { try annotator.detect(odd) }
    }

    /// A file (not a folder) for `.midas` is read as the original MiDaS checkpoint with the full-size
    /// configuration, which the tiny fixture's tensors do not fit: the error names the first one.
    @Test func midasFileIsReadAsTheOriginalCheckpoint() throws {
        do {
            _ = try DepthAnnotator(kind: .midas, contentsOf: Self.folder.url("Depth_midas_hybrid.pt"))
            Issue.record("the tiny checkpoint loaded with the full-size configuration")
        } catch let error as WeightError {
            guard case .shapeMismatch(let name, _, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name.hasPrefix("dpt.embeddings.backbone.bit."))
        }
    }

    @Test func missingFolderNamesThePath() throws {
        let url = try Self.folder.url("Depth_dpt_hybrid").deletingLastPathComponent()
            .appendingPathComponent("Depth_no_such_model")
        do {
            _ = try DepthAnnotator(kind: .depthAnything, contentsOf: url)
            Issue.record("loading a missing folder succeeded")
        } catch {
            #expect("\(error)".contains("Depth_no_such_model"))
        }
    }
}
