import AnnotatorCore
import CannyAnnotator
import EaselImage
import EaselTestSupport
import Foundation
import ScribbleAnnotator
import Testing

/// `easel annotate`: the executable writes what the library makes, and refuses bad input with the
/// exit-status contract (1 for a failed job, 2 for a wrong command line) without leaving a file behind.
@Suite struct AnnotateCommandTests {
    /// A 200x150 drawing: dark strokes (a rectangle outline and a diagonal) on white.
    static func drawing() throws -> Image {
        let width = 200, height = 150
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        func ink(_ x: Int, _ y: Int) { for c in 0..<3 { pixels[(y * width + x) * 3 + c] = 20 } }
        for x in 40..<160 { for t in 0..<3 { ink(x, 30 + t); ink(x, 117 + t) } }
        for y in 30..<120 { for t in 0..<3 { ink(40 + t, y); ink(157 + t, y) } }
        for i in 0..<100 { ink(50 + i, 35 + i * 8 / 10) }
        return try Image(width: width, height: height, layout: .rgb, pixels: pixels)
    }

    @Test(arguments: [
        (["canny"], CannyAnnotator() as any Annotator, AnnotationOptions()),
        (["canny", "--low", "50", "--high", "90", "--resolution", "256"],
         CannyAnnotator(low: 50, high: 90), AnnotationOptions(detectResolution: 256)),
        (["scribble"], ScribbleAnnotator(), AnnotationOptions()),
        (["scribble", "--polarity", "dark-on-light", "--resolution", "300"],
         ScribbleAnnotator(polarity: .darkOnLight), AnnotationOptions(detectResolution: 300)),
    ])
    func writesTheLibrarysConditionMap(arguments: [String], annotator: any Annotator, options: AnnotationOptions) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("drawing.png")
        let output = folder.path("map.png")
        let drawing = try Self.drawing()
        try drawing.writePNG(to: input)
        let kind = arguments[0]
        let result = try EaselProcess.run(["annotate", kind, input.path, "--output", output.path] + Array(arguments.dropFirst()))
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.standardOutput.contains(output.path))
        let written = try Image.load(from: output)
        let expected = try annotator.annotate(drawing, options: options)
        #expect(written.width == expected.width && written.height == expected.height)
        #expect(written.converted(to: .rgb) == expected.converted(to: .rgb))
        // The map holds strokes: a blank map would also "equal" a broken library.
        #expect(written.converted(to: .gray).withUnsafePixels { $0.contains(255) })
    }

    @Test func failuresExitOneWithOneLineAndNoFile() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("drawing.png")
        try Self.drawing().writePNG(to: input)
        let notImage = try folder.write("just text", to: "notes.png")
        let truncated = folder.path("truncated.png")
        let bytes = try Data(contentsOf: input)
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let output = folder.path("out.png")

        let cases: [(args: [String], mentions: String)] = [
            (["annotate", "canny", folder.path("missing.png").path, "-o", output.path], "missing.png"),
            (["annotate", "canny", notImage.path, "-o", output.path], "notes.png"),
            (["annotate", "scribble", truncated.path, "-o", output.path], "truncated.png"),
            (["annotate", "canny", input.path, "-o", folder.path("no-such-folder/out.png").path], "no-such-folder"),
        ]
        for (args, mentions) in cases {
            let result = try EaselProcess.run(args)
            #expect(result.status == 1, "\(args): \(result.standardError)")
            #expect(result.standardError.hasPrefix("easel: error: "))
            #expect(result.standardError.contains(mentions))
            #expect(result.standardError.filter { $0 == "\n" }.count == 1)
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
        // Nothing but the inputs is left in the folder: no temporary files from the atomic write.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        #expect(left == ["drawing.png", "notes.png", "truncated.png"])
    }

    @Test func aFailedRunLeavesAnExistingOutputAlone() throws {
        let folder = try TemporaryFolder()
        let output = try folder.write("previous result", to: "out.png")
        let result = try EaselProcess.run(["annotate", "canny", folder.path("missing.png").path, "-o", output.path])
        #expect(result.status == 1)
        #expect(try String(contentsOf: output, encoding: .utf8) == "previous result")
    }

    @Test func usageErrorsExitTwo() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("drawing.png")
        try Self.drawing().writePNG(to: input)
        let output = folder.path("out.png").path
        let cases: [[String]] = [
            ["annotate", "sobel", input.path, "-o", output],
            ["annotate", "canny", input.path],
            ["annotate", "canny", input.path, "-o", output, "--resolution", "0"],
            ["annotate", "canny", input.path, "-o", output, "--resolution", "-3"],
            ["annotate", "canny", input.path, "-o", output, "--resolution", "100000"],
            ["annotate", "canny", input.path, "-o", output, "--low", "abc"],
            ["annotate", "canny", input.path, "-o", output, "--high", "-1"],
            ["annotate", "canny", input.path, "-o", output, "--low", "nan"],
            ["annotate", "scribble", input.path, "-o", output, "--low", "10"],
            ["annotate", "canny", input.path, "-o", output, "--polarity", "automatic"],
            ["annotate", "canny", input.path, "-o", folder.path("out.jpg").path],
        ]
        for args in cases {
            let result = try EaselProcess.run(args)
            #expect(result.status == 2, "\(args): \(result.standardError)")
            #expect(result.standardError.hasPrefix("easel: error: "), "\(args)")
            #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(args)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["drawing.png"])
    }
}
