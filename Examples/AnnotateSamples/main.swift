// The main job for now: runs each annotator that needs no downloaded weights on the bundled sample images, and
// draws the bundled pose JSON as an OpenPose map (a figure posed by numbers, no photo and no network), writing
// the condition maps as PNGs through the library API a program would use.
//
//   swift run annotate-samples [--output FOLDER]     (default: ./out)
import AnnotatorCore
import CannyAnnotator
import EaselImage
import ExampleSamples
import Foundation
import PoseAnnotator
import ScribbleAnnotator

/// One job: an annotator on a bundled sample.
struct SampleJob {
    var sample: String
    var annotator: any Annotator
    var output: String
}

let jobs = [
    SampleJob(sample: "chelsea.png", annotator: CannyAnnotator(), output: "chelsea_canny.png"),
    SampleJob(sample: "chelsea.png", annotator: CannyAnnotator(low: 50, high: 120), output: "chelsea_canny_50_120.png"),
    SampleJob(sample: "scribble_house.png", annotator: ScribbleAnnotator(), output: "scribble_house_scribble.png"),
]

func outputFolder() -> URL? {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.isEmpty { return URL(fileURLWithPath: "out") }
    if arguments.count == 2, arguments[0] == "--output" { return URL(fileURLWithPath: arguments[1]) }
    return nil
}

func run() -> Int32 {
    guard let folder = outputFolder() else {
        FileHandle.standardError.write(Data("usage: annotate-samples [--output FOLDER]\n".utf8))
        return 2
    }
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for job in jobs {
            let url = try ExampleSamples.url(job.sample)
            let started = Date()
            let map = try job.annotator.annotate(try Image.load(from: url))
            let destination = folder.appendingPathComponent(job.output)
            try map.writePNG(to: destination)
            let seconds = Date().timeIntervalSince(started)
            print("\(job.annotator.name) on \(job.sample): wrote \(destination.path) (\(map.width)x\(map.height), \(String(format: "%.2f", seconds)) s)")
        }
        // A pose posed by numbers: the A1111 ControlNet extension's JSON drawn as the openpose ControlNet's map.
        let poseURL = try ExampleSamples.url("pose_arms_up.json")
        let figure = try PoseJSON.read(from: poseURL)
        let poseMap = try PoseDrawing.draw(figure)
        let destination = folder.appendingPathComponent("pose_arms_up_pose.png")
        try poseMap.writePNG(to: destination)
        print("pose from pose_arms_up.json: wrote \(destination.path) (\(poseMap.width)x\(poseMap.height), \(figure.people.count) person)")
        return 0
    } catch {
        FileHandle.standardError.write(Data("annotate-samples: error: \(error)\n".utf8))
        return 1
    }
}

exit(run())
