import EaselImage
import EaselTestSupport
import Foundation
import PoseAnnotator
import Testing

/// Pose JSON in the A1111 ControlNet extension's format: the sample pose rendered with no photo (equal to
/// controlnet_aux's `draw_bodypose` of the extension's decoding), hands and a face drawn as `draw_handpose`
/// and `draw_facepose` do, detections written and read back, and
/// errors that name the field at fault.
@Suite struct PoseJSONTests {
    @Test func samplePoseRendersAsControlnetAux() throws {
        let data = try Data(contentsOf: try PoseFixtures.folder.url("Pose_arms_up.json"))
        let figure = try PoseJSON.decode(data)
        #expect(figure.canvasWidth == 512 && figure.canvasHeight == 512 && figure.people.count == 1)
        #expect(figure.people[0].keypoints.count == 18 && figure.people[0].keypoints.allSatisfy { $0 != nil })
        let map = try PoseDrawing.draw(figure)
        let reference = try PoseFixtures.folder.image("Pose_arms_up.png").hwc3()
        let difference = try #require(ImageDifference(map, reference))
        #expect(difference.mismatches == 0, "\(difference)")
    }

    @Test func handsAndFaceDrawAsControlnetAux() throws {
        let data = try Data(contentsOf: try PoseFixtures.folder.url("Pose_full.json"))
        let figure = try PoseJSON.decode(data)
        let person = try #require(figure.people.first)
        #expect(person.leftHand?.count == 21 && person.rightHand?.count == 21 && person.face?.count == 70)
        let map = try PoseDrawing.draw(figure)
        let reference = try PoseFixtures.folder.image("Pose_full.png").hwc3()
        let difference = try #require(ImageDifference(map, reference))
        #expect(difference.mismatches == 0, "\(difference)")
        // Hands and face survive a write and a read.
        #expect(try PoseJSON.decode(try PoseJSON.encode(figure)) == figure)
    }

    @Test func detectionRoundTrips() throws {
        let figure = BodyPoseParser.figure(try PoseParsingTests.syntheticMaps())
        let decoded = try PoseJSON.decode(try PoseJSON.encode(figure))
        #expect(decoded.canvasWidth == figure.canvasWidth && decoded.canvasHeight == figure.canvasHeight)
        #expect(decoded.people.count == figure.people.count)
        for (read, found) in zip(decoded.people, figure.people) {
            // Positions survive; confidences are written as 1 (the extension drops keypoints below 1).
            #expect(read.keypoints.map { $0.map { [$0.x, $0.y] } } == found.keypoints.map { $0.map { [$0.x, $0.y] } })
        }
        // The same figure draws the same map.
        #expect(try PoseDrawing.draw(decoded) == (try PoseDrawing.draw(figure)))
    }

    @Test func normalisedCoordinatesAreScaled() throws {
        var numbers = [Double](repeating: 0, count: 54)
        numbers[0...5] = [0.5, 0.25, 1, 0.5, 0.5, 1]
        let json = try JSONSerialization.data(withJSONObject: [
            "canvas_width": 200, "canvas_height": 100, "people": [["pose_keypoints_2d": numbers]],
        ])
        let figure = try PoseJSON.decode(json)
        #expect(figure.people[0].keypoints[0] == PoseKeypoint(x: 100, y: 25, score: 1))
        #expect(figure.people[0].keypoints[2] == nil)
    }

    @Test(arguments: [
        ("[1, 2]", "(file)"),
        ("{\"canvas_height\": 10, \"people\": []}", "canvas_width"),
        ("{\"canvas_width\": 0, \"canvas_height\": 10, \"people\": []}", "canvas_width"),
        ("{\"canvas_width\": 10, \"canvas_height\": 10.5, \"people\": []}", "canvas_height"),
        ("{\"canvas_width\": 10, \"canvas_height\": 10}", "people"),
        ("{\"canvas_width\": 10, \"canvas_height\": 10, \"people\": [{}]}", "people[0].pose_keypoints_2d"),
        ("{\"canvas_width\": 10, \"canvas_height\": 10, \"people\": [{\"pose_keypoints_2d\": [1, 2]}]}",
         "people[0].pose_keypoints_2d"),
        ("{\"canvas_width\": 10, \"canvas_height\": 10, \"people\": [{\"pose_keypoints_2d\": [1, \"a\", 1]}]}",
         "people[0].pose_keypoints_2d[1]"),
        ("{\"canvas_width\": 10, \"canvas_height\": 10, \"people\": [{\"pose_keypoints_2d\": [1, 2, 1]}]}",
         "people[0].pose_keypoints_2d"),
        ("not json", "(file)"),
    ])
    func badJSONNamesTheField(_ text: String, _ field: String) throws {
        do {
            _ = try PoseJSON.decode(Data(text.utf8))
            Issue.record("\(text) was accepted")
        } catch let error as PoseError {
            guard case .invalidJSON(let named, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(named == field, "\(error)")
        }
    }
}
