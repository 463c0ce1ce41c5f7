import EaselCheckpoint
import Foundation
import Testing

/// A fresh temporary folder for the inspect tests, removed with its contents when released.
final class InspectTemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("easel-inspect-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to `name` (creating subfolders).
    @discardableResult
    func write(_ text: String, to name: String) throws -> URL {
        let file = path(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Writes a safetensors file of F16 zeros with the given names and shapes.
    @discardableResult
    func writeCheckpoint(_ keys: [(String, [Int])], to name: String, metadata: [String: String] = [:]) throws -> URL {
        let file = path(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        var writer = SafetensorsWriter(metadata: metadata)
        for (key, shape) in keys {
            try writer.add(key, dataType: .float16, shape: shape, bytes: [UInt8](repeating: 0, count: 2 * shape.reduce(1, *)))
        }
        try writer.write(to: file)
        return file
    }
}

/// Key names and shapes of released models (the tensors identification reads).
enum InspectSampleKeys {
    static let sd1UNet: [(String, [Int])] = [
        ("conv_in.weight", [320, 4, 3, 3]), ("conv_in.bias", [320]),
        ("time_embedding.linear_1.weight", [1280, 320]),
        ("down_blocks.0.attentions.0.proj_in.weight", [320, 320, 1, 1]),
        ("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
        ("down_blocks.10.resnets.0.conv1.bias", [320]), ("down_blocks.2.resnets.0.conv1.bias", [320]),
    ]

    static let ldmInpaintingUNet: [(String, [Int])] = [
        ("model.diffusion_model.input_blocks.0.0.weight", [320, 9, 3, 3]),
        ("model.diffusion_model.time_embed.0.weight", [1280, 320]),
        ("model.diffusion_model.input_blocks.1.1.proj_in.weight", [320, 320, 1, 1]),
        ("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", [320, 768]),
        ("betas", [1000]),
    ]

    static let vae: [(String, [Int])] = [
        ("encoder.conv_in.weight", [128, 3, 3, 3]), ("encoder.down_blocks.0.resnets.0.conv1.weight", [128, 128, 3, 3]),
        ("decoder.conv_in.weight", [512, 4, 3, 3]),
    ]
}

/// Runs the built `easel` executable, which SwiftPM puts beside the test bundle in the build products
/// folder (`swift build --build-tests` builds it).
struct EaselProcess {
    var status: Int32
    var standardOutput: String
    var standardError: String

    static func executable() throws -> URL {
        var folders: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for folder in folders {
            let candidate = folder.appendingPathComponent("easel")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ExecutableMissing(searched: folders.map(\.path))
    }

    struct ExecutableMissing: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "the easel executable is not built beside the tests (looked in \(searched.joined(separator: ", "))); run `swift build --build-tests` first"
        }
    }

    static func run(_ arguments: [String]) throws -> EaselProcess {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return EaselProcess(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}
