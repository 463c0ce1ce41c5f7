// The main job for now: runs each annotator on the bundled sample images and writes the condition maps
// as PNGs, through the library API a program would use.
//
//   swift run annotate-samples [--output FOLDER]     (default: ./out)
import AnnotatorCore
import CannyAnnotator
import EaselImage
import Foundation
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
            guard let url = Bundle.module.url(forResource: "Samples/" + job.sample, withExtension: nil) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: job.sample])
            }
            let started = Date()
            let map = try job.annotator.annotate(try Image.load(from: url))
            let destination = folder.appendingPathComponent(job.output)
            try map.writePNG(to: destination)
            let seconds = Date().timeIntervalSince(started)
            print("\(job.annotator.name) on \(job.sample): wrote \(destination.path) (\(map.width)x\(map.height), \(String(format: "%.2f", seconds)) s)")
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("annotate-samples: error: \(error)\n".utf8))
        return 1
    }
}

exit(run())
