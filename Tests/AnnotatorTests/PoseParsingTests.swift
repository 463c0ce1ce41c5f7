import EaselImage
import EaselTestSupport
import Foundation
@testable import PoseAnnotator
import Testing

/// The parsing and drawing half of controlnet_aux's OpenPose body detector on synthetic maps (two people,
/// one stray peak; 48 x 56, float16 values so both sides read the same float64 maps): scipy's Gaussian
/// filter, peaks, PAF limb scores, person assembly and `draw_bodypose`. All exact.
@Suite struct PoseParsingTests {
    static func syntheticMaps() throws -> BodyPoseMaps {
        let cases = try PoseFixtures.cases()
        let file = try ReferenceFixture("Pose_maps.safetensors", in: .module)
        let (w, h) = (cases.parse.width, cases.parse.height)
        func planes(_ name: String) throws -> [[Double]] {
            let values = try file.tensor(name).scalars.map(Double.init)
            return stride(from: 0, to: values.count, by: w * h).map { Array(values[$0..<($0 + w * h)]) }
        }
        return try BodyPoseMaps(width: w, height: h, heatmaps: try planes("heatmaps"), partAffinityFields: try planes("pafs"))
    }

    @Test func gaussianFilterIsScipys() throws {
        let c = try PoseFixtures.cases().gaussian
        let smoothed = GaussianFilter.sigma3(c.input, width: c.width, height: c.height)
        let differing = zip(smoothed, c.expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(c.expected.count) values differ from scipy.ndimage.gaussian_filter")
    }

    @Test func candidatesAndPeopleAreControlnetAuxs() throws {
        let expected = try PoseFixtures.cases().parse
        let result = BodyPoseParser.parse(try Self.syntheticMaps())
        let candidates = result.candidates.map { [Double($0.x), Double($0.y), $0.score, Double($0.id)] }
        #expect(candidates == expected.candidate)
        #expect(result.subset == expected.subset)
        #expect(result.subset.count == 2, "the synthetic maps hold two people")
    }

    @Test func drawingIsDrawBodypose() throws {
        let figure = BodyPoseParser.figure(try Self.syntheticMaps())
        let map = try PoseDrawing.draw(figure)
        let reference = try PoseFixtures.folder.image("Pose_maps_drawn.png").hwc3()
        let difference = try #require(ImageDifference(map, reference))
        #expect(difference.mismatches == 0, "\(difference)")
    }

    @Test func linspaceIsNumpys() {
        // np.linspace(3, 17, 10) and a reversed, a constant run.
        #expect(LimbConnections.linspace(3, 17) == [3.0, 4.555555555555555, 6.111111111111111, 7.666666666666667,
                                                    9.222222222222221, 10.777777777777779, 12.333333333333334,
                                                    13.88888888888889, 15.444444444444445, 17.0])
        #expect(LimbConnections.linspace(5, 5) == Array(repeating: 5, count: 10))
    }

    @Test func mapsAreChecked() {
        #expect(throws: PoseError.self) {
            try BodyPoseMaps(width: 2, height: 2, heatmaps: [], partAffinityFields: [])
        }
    }
}
