import EaselImage
import EaselTestSupport
import Foundation
import Testing

/// `easel generate` on the tiny pipeline fixture: the written PNG equals diffusers' image and carries the A1111
/// `parameters` chunk; bad settings exit 2 and a failing job exits 1, with one line and no file left behind.
@Suite struct GenerateCommandTests {
    /// The command line for a fixture case (diffusers' call), with plain prompts as diffusers reads them.
    static func arguments(for fixture: PipelineFixtures.Case, output: URL) throws -> [String] {
        var args = [
            "generate", "--model", try PipelineFixtures.modelFolder().path, "--prompt", fixture.prompt,
            "--negative-prompt", fixture.negative, "--seed", String(fixture.seed), "--steps", String(fixture.steps),
            "--cfg-scale", String(fixture.cfg), "--sampler", fixture.samplerAndKarras.sampler,
            "--prompt-syntax", "plain", "--output", output.path,
        ]
        if fixture.samplerAndKarras.karras { args += ["--schedule", "karras"] }
        if let strength = fixture.strength {
            args += ["--init-image", try PipelineFixtures.initImageURL().path, "--strength", String(strength)]
        } else {
            args += ["--width", String(fixture.width), "--height", String(fixture.height)]
        }
        return args
    }

    @Test(arguments: ["t2i_dpmpp_2m_karras", "i2i_euler_a"])
    func writesDiffusersImageWithParameters(caseName: String) throws {
        let fixture = try PipelineFixtures.case(named: caseName)
        let folder = try TemporaryFolder()
        let output = folder.path("image.png")
        let result = try EaselProcess.run(try Self.arguments(for: fixture, output: output))
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.standardError.isEmpty, "no progress line when stderr is not a terminal")
        #expect(result.standardOutput.contains(output.path))

        let file = try ImageFile.load(from: output)
        let difference = try #require(ImageDifference(file.image, try PipelineFixtures.expectedImage(caseName)))
        print("easel generate \(caseName): \(difference)")
        #expect(difference.meanAbsolute <= 1.0)

        let parameters = try #require(file.text["parameters"])
        let lines = parameters.components(separatedBy: "\n")
        #expect(lines.first == fixture.prompt)
        #expect(lines.dropFirst().first == "Negative prompt: \(fixture.negative)" || fixture.negative.isEmpty)
        let settings = lines.last ?? ""
        #expect(settings.contains("Steps: \(fixture.steps), "))
        #expect(settings.contains("Seed: \(fixture.seed), "))
        #expect(settings.contains("Size: \(fixture.width)x\(fixture.height), "))
        #expect(settings.contains("Model: Pipeline_tiny"))
        #expect(settings.contains("RNG: CPU"))
        #expect(settings.contains("Denoising strength: ") == (fixture.strength != nil))
        #expect(settings.contains("Schedule type: Karras") == fixture.samplerAndKarras.karras)
    }

    @Test func usageErrorsExitTwo() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.png").path
        let model = try PipelineFixtures.modelFolder().path
        let base = ["generate", "--model", model, "--prompt", "a cat", "--output", output, "--steps", "2"]
        let cases: [[String]] = [
            base + ["--width", "60"],
            base + ["--height", "0"],
            base + ["--width", "-8"],
            base + ["--strength", "0.5"],
            base + ["--init-image", output, "--strength", "1.5"],
            base + ["--init-image", output, "--strength", "0"],
            base + ["--sampler", "lms"],
            base + ["--sampler", "ddim", "--schedule", "karras"],
            base + ["--rng", "gpu"],
            base + ["--steps", "0"],
            base + ["--cfg-scale", "nan"],
            base + ["--clip-skip", "0"],
            base + ["--seed", "-1"],
            ["generate", "--model", model, "--prompt", "a cat", "--output", folder.path("out.jpg").path],
            ["generate", "--model", model, "--output", output],
        ]
        for args in cases {
            let result = try EaselProcess.run(args)
            #expect(result.status == 2, "\(args): \(result.standardError)")
            #expect(result.standardError.hasPrefix("easel: error: "), "\(args)")
            #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(args)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func failuresExitOneWithOneLineAndNoFile() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.png")
        let notModel = try folder.write("not a model", to: "model.safetensors")
        let model = try PipelineFixtures.modelFolder().path
        let cases: [(args: [String], mentions: String)] = [
            (["generate", "--model", folder.path("missing").path, "--prompt", "a", "-o", output.path], "missing"),
            (["generate", "--model", notModel.path, "--prompt", "a", "-o", output.path], "model.safetensors"),
            (["generate", "--model", folder.url.path, "--prompt", "a", "-o", output.path], folder.url.lastPathComponent),
            (["generate", "--model", model, "--prompt", "a", "--steps", "1", "--init-image", folder.path("none.png").path,
              "-o", output.path], "none.png"),
            (["generate", "--model", model, "--prompt", "a", "--steps", "1", "--clip-skip", "9", "-o", output.path], "clip skip"),
            (["generate", "--model", model, "--prompt", "a", "--steps", "1", "--width", "64", "--height", "64",
              "-o", folder.path("no-such-folder/out.png").path], "no-such-folder"),
        ]
        for (args, mentions) in cases {
            let result = try EaselProcess.run(args)
            #expect(result.status == 1, "\(args): \(result.standardError)")
            #expect(result.standardError.hasPrefix("easel: error: "), "\(args)")
            #expect(result.standardError.contains(mentions), "\(args): \(result.standardError)")
            #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(args)")
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["model.safetensors"])
    }
}

/// The progress line appears only on a terminal: run under `script` (util-linux, part of every Debian), which
/// gives the command a pseudo-terminal and copies what it shows.
@Suite struct GenerateProgressLineTests {
    static func runOnTerminal(_ arguments: [String]) throws -> (status: Int32, screen: String) {
        let command = ([try EaselProcess.executable().path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", command, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func drawnOnATerminalUnlessQuiet() throws {
        let folder = try TemporaryFolder()
        let base = ["generate", "--model", try PipelineFixtures.modelFolder().path, "--prompt", "a cat", "--steps", "3",
                    "--sampler", "euler", "--seed", "1"]
        let shown = try Self.runOnTerminal(base + ["--output", folder.path("a.png").path])
        #expect(shown.status == 0, "\(shown.screen)")
        #expect(shown.screen.contains("step 0/3"))
        #expect(shown.screen.contains("step 3/3"))
        #expect(shown.screen.contains(" s/it  ETA "))
        let quiet = try Self.runOnTerminal(base + ["--quiet", "--output", folder.path("b.png").path])
        #expect(quiet.status == 0, "\(quiet.screen)")
        #expect(!quiet.screen.contains("step "))
        #expect(quiet.screen.contains("wrote"))
    }
}
