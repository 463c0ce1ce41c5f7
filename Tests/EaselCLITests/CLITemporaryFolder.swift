import EaselCheckpoint
import Foundation
import Testing

/// A fresh temporary folder for the command-line tests, removed with its contents when released.
final class CLITemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("easel-cli-tests-\(UUID().uuidString)")
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

