import EaselCheckpoint
import EaselImage
import EaselTensor
import EaselTestSupport
import Foundation
import PoseAnnotator
import Testing

/// `easel annotate pose`: detection with a weight file given by path or found in a models folder (a
/// scaled-down network with the real layer names, written here: the real one is 200 MB), the pose JSON,
/// drawing from JSON alone, and the errors.
@Suite struct PoseAnnotateCommandTests {
    /// The body network's tensors with every hidden width cut to 4 (values from a fixed linear congruential
    /// sequence, scaled to fan-in), saved as `name` in `folder`.
    static func writeTinyModel(in folder: TemporaryFolder, name: String = "body_pose_model.safetensors") throws -> URL {
        var state: UInt64 = 12345
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        var writer = SafetensorsWriter()
        let shapes = BodyPoseNetwork.standardShapes
        for name in shapes.keys.sorted() {
            var shape = shapes[name]!
            shape[0] = [38, 19].contains(shape[0]) ? shape[0] : 4
            if shape.count == 4 { shape[1] = shape[1] == 3 ? 3 : shape[1] == 185 ? 61 : 4 }
            let scale = shape.count == 4 ? (6.0 / Float(shape[1] * shape[2] * shape[3])).squareRoot() : 0.1
            let count = shape.reduce(1, *)
            try writer.add(name, Tensor(shape: shape, scalars: (0..<count).map { _ in next() * scale }))
        }
        let url = folder.path(name)
        try writer.write(to: url)
        return url
    }

    /// A 96x64 photo stand-in: a light figure-like shape on a dark background.
    static func photo() throws -> Image {
        let (w, h) = (96, 64)
        var pixels = [UInt8](repeating: 30, count: w * h * 3)
        for y in 10..<58 { for x in 40..<56 { for c in 0..<3 { pixels[(y * w + x) * 3 + c] = UInt8(120 + c * 40) } } }
        return try Image(width: w, height: h, layout: .rgb, pixels: pixels)
    }

    @Test func detectsWithTheLibrarysResultAndWritesJSON() throws {
        let folder = try TemporaryFolder()
        let model = try Self.writeTinyModel(in: folder)
        let input = folder.path("photo.png")
        try Self.photo().writePNG(to: input)
        let (output, json) = (folder.path("pose.png"), folder.path("pose.json"))
        let result = try EaselProcess.run([
            "annotate", "pose", input.path, "-o", output.path, "--model", model.path, "--json", json.path,
            "--resolution", "64",
        ])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let (expectedMap, expectedFigure) = try PoseAnnotator(contentsOf: model).annotateWithPose(
            try Self.photo(), options: .init(detectResolution: 64))
        #expect(try Image.load(from: output).converted(to: .rgb) == expectedMap)
        let written = try PoseJSON.decode(try Data(contentsOf: json))
        // The detect-size canvas: 96x64 at resolution 64 is 128x64 (sides rounded to multiples of 64).
        #expect(written.canvasWidth == 128 && written.canvasHeight == 64)
        #expect(expectedFigure.canvasWidth == 128 && expectedFigure.canvasHeight == 64)
        #expect(written.people.count == expectedFigure.people.count)

        // The same file found in a models folder.
        let viaFolder = folder.path("pose2.png")
        let second = try EaselProcess.run([
            "annotate", "pose", input.path, "-o", viaFolder.path, "--models", folder.url.path, "--resolution", "64",
        ])
        #expect(second.status == 0, "stderr: \(second.standardError)")
        #expect(try Image.load(from: viaFolder) == (try Image.load(from: output)))
    }

    @Test func drawsPoseJSONWithoutAPhoto() throws {
        let folder = try TemporaryFolder()
        var keypoints: [PoseKeypoint?] = []
        for part in 0..<18 {
            let x = Double(40 + 5 * (part % 4)), y = Double(10 + 6 * part)
            keypoints.append(PoseKeypoint(x: x, y: y))
        }
        keypoints[16] = nil
        let figure = PoseFigure(canvasWidth: 128, canvasHeight: 120, people: [PosePerson(keypoints: keypoints)])
        let json = try folder.write([UInt8](try PoseJSON.encode(figure)), to: "pose.json")
        let output = folder.path("map.png")
        let result = try EaselProcess.run(["annotate", "pose", "--from-json", json.path, "-o", output.path])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let map = try Image.load(from: output).converted(to: .rgb)
        #expect(map == (try PoseDrawing.draw(figure)))
        #expect(map.width == 128 && map.height == 120 && map.pixels.contains { $0 != 0 })
    }

    @Test func errorsNameWhatIsWrong() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("photo.png")
        try Self.photo().writePNG(to: input)
        let badJSON = try folder.write(Array("{\"canvas_width\": 64, \"people\": []}".utf8), to: "bad.json")
        let output = folder.path("out.png").path
        let failures: [(args: [String], mentions: String)] = [
            (["annotate", "pose", input.path, "-o", output, "--models", folder.path("empty").path], "body_pose_model.pth"),
            (["annotate", "pose", input.path, "-o", output, "--model", folder.path("nope.pth").path], "nope.pth"),
            (["annotate", "pose", "--from-json", badJSON.path, "-o", output], "canvas_height"),
            (["annotate", "pose", "--from-json", folder.path("absent.json").path, "-o", output], "absent.json"),
        ]
        for (args, mentions) in failures {
            let result = try EaselProcess.run(args)
            #expect(result.status == 1, "\(args): \(result.standardError)")
            #expect(result.standardError.hasPrefix("easel: error: ") && result.standardError.contains(mentions),
                    "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: output))
        }
        let usage: [[String]] = [
            ["annotate", "pose", "-o", output],
            ["annotate", "pose", input.path, "--from-json", badJSON.path, "-o", output],
            ["annotate", "pose", "--from-json", badJSON.path, "-o", output, "--resolution", "64"],
            ["annotate", "canny", input.path, "-o", output, "--json", folder.path("x.json").path],
            ["annotate", "scribble", input.path, "-o", output, "--model", "m.pth"],
        ]
        for args in usage {
            let result = try EaselProcess.run(args)
            #expect(result.status == 2, "\(args): \(result.standardError)")
        }
    }
}
