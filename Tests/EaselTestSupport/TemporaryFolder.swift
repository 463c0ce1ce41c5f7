import Foundation

/// A fresh folder under the system temporary directory for tests that write files, removed with
/// everything in it when released.
public final class TemporaryFolder {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("easel-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The URL of `name` inside the folder (nothing is created).
    public func path(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` to `name` inside the folder (creating subfolders) and returns its URL.
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String) throws -> URL {
        let file = path(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }

    /// Writes `text` as UTF-8 to `name` inside the folder (creating subfolders) and returns its URL.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL { try write(Array(text.utf8), to: name) }

    /// Creates the subfolder `name` (and any folders above it) and returns its URL.
    public func subfolder(_ name: String) throws -> URL {
        let folder = path(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
