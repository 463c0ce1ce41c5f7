import ArgumentParser
import Easel
import EaselDiffusion
import EaselTensor
import Foundation

/// `easel bench --model FOLDER`: times the three costs of a generation (text encoding, one guided UNet step,
/// the VAE decode) at a given size, and the same on PyTorch in the same run when the reference environment is
/// there, printing both and their ratio. Speed is measured here, never by timed tests.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time text encoding, one guided UNet step and the VAE decode, against PyTorch when available.",
        discussion: """
            Each figure is the best of --repeats runs, after one untimed warm-up run. PyTorch runs \
            Benchmarks/torch_bench.py with --python (default .venv-ref/bin/python, see Tests/Reference/setup_env.sh) \
            on the same folder, with as many threads as Easel uses. A random-weight SD 1.5 folder for this: \
            Benchmarks/make_random_sd15.py.
            """)

    @Option(help: "A diffusers pipeline folder (or a single .safetensors checkpoint; PyTorch needs a folder).")
    var model: String

    @Option(help: "Image width (a multiple of 8).")
    var width: Int = 512

    @Option(help: "Image height (a multiple of 8).")
    var height: Int = 512

    @Option(help: "Timed runs of each part; the best is reported.")
    var repeats: Int = 2

    @Option(help: "The Python with torch, diffusers and transformers.")
    var python: String = ".venv-ref/bin/python"

    @Option(help: "The PyTorch side of the benchmark.")
    var torchScript: String = "Benchmarks/torch_bench.py"

    @Flag(help: "Time Easel only.")
    var noTorch = false

    @Flag(help: "Leave glibc's allocator as it is (no LargeAllocations.reuseFreedMemory), to measure what it saves.")
    var keepAllocator = false

    func validate() throws {
        for (flag, value) in [("--width", width), ("--height", height)] where value <= 0 || value % 8 != 0 {
            throw ValidationError("\(flag) must be a positive multiple of 8, got \(value)")
        }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let threads = Parallel.threadCount
        if !keepAllocator { LargeAllocations.reuseFreedMemory() }  // as StableDiffusionPipeline does
        print("loading \(model)")
        let loadStart = Date()
        let sd = try StableDiffusionModel(contentsOf: URL(fileURLWithPath: model))
        print(String(format: "loaded in %.1f s; %dx%d, %d threads, best of %d", Date().timeIntervalSince(loadStart),
                     width, height, threads, repeats))

        let encoder = PromptEncoder(tokenizer: sd.tokenizer, textModel: sd.textEncoder)
        let factor = sd.vae.downscaleFactor
        var random = TorchCPUGenerator(seed: 0)
        let latents = random.normal(shape: [2, sd.unet.config.inChannels, height / factor, width / factor])
        let context = random.normal(shape: [2, 77, sd.textEncoder.config.hiddenSize])
        let firstLatent = chunk(latents, count: 2, axis: 0)[0]
        let easel: [(String, Double)] = [
            ("text_encoding", try best {
                _ = try encoder.encode(
                    prompt: "a photograph of an astronaut riding a horse", negativePrompt: "blurry, low quality",
                    syntax: .plain, clipSkip: 0)
            }),
            ("unet_step", try best { _ = sd.unet(latents, timestep: 500, encoderHiddenStates: context) }),
            ("vae_decode", try best { _ = try sd.vae.decode(firstLatent) }),
        ]
        let torch = noTorch ? nil : torchFigures(threads: threads)
        print("")
        print("part            easel (s)   torch (s)   torch / easel")
        for (name, seconds) in easel {
            var line = name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%9.3f", seconds)
            if let reference = torch?[name] {
                line += String(format: "   %9.3f   %8.2fx", reference, reference / seconds)
            }
            print(line)
        }
        if torch == nil && !noTorch { print("(PyTorch not run: see the message above)") }
    }

    /// The best of `repeats` timed runs of `body`, after one untimed warm-up (page faults of mapped weights).
    private func best(_ body: () throws -> Void) throws -> Double {
        try body()
        var fastest = Double.infinity
        for _ in 0..<repeats {
            let start = Date()
            try body()
            fastest = min(fastest, Date().timeIntervalSince(start))
        }
        return fastest
    }

    /// Runs the PyTorch script and reads its JSON; nil (with a message) when it cannot run.
    private func torchFigures(threads: Int) -> [String: Double]? {
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: torchScript)
        else {
            print("PyTorch skipped: no \(python) or no \(torchScript) (run Tests/Reference/setup_env.sh from the package root)")
            return nil
        }
        print("running PyTorch (\(torchScript))")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [torchScript, model, String(width), String(height), String(repeats), String(threads)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            print("PyTorch skipped: \(error.localizedDescription)")
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            print("PyTorch failed (exit \(process.terminationStatus))")
            return nil
        }
        return object.compactMapValues { $0 as? Double }
    }
}
