import EaselCheckpoint
import EaselTestSupport
import Foundation

extension TemporaryFolder {
    /// Writes a safetensors file of F16 zeros with the given names and shapes (creating subfolders).
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
