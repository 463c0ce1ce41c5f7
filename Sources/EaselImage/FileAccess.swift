import Foundation
import Glibc  // Easel targets Linux; POSIX calls give precise errno-based messages

/// Whole-file reads with errors that say what is wrong, and atomic whole-file writes.
public enum FileAccess {
    /// The bytes of the file at `url`.
    /// Throws `ImageError.fileNotFound` or `.unreadable` naming the file.
    public static func read(_ url: URL) throws -> [UInt8] {
        let path = url.path
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw ImageError.fileNotFound(path: path) }
            throw ImageError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw ImageError.unreadable(path: path, reason: "it is a folder")
        }
        // Devices and pipes could block or never end (/dev/zero); images are regular files.
        if (status.st_mode & S_IFMT) != S_IFREG {
            throw ImageError.unreadable(path: path, reason: "it is not a regular file")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ImageError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(max(0, status.st_size)))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw ImageError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// Writes `bytes` to `url` atomically: into a new temporary file in the same folder, flushed to disk,
    /// then renamed over the destination. Readers see the old file or the whole new one, never a part,
    /// and on any failure the temporary file is removed, so nothing is left behind.
    public static func writeAtomically<Bytes: ContiguousBytes>(_ bytes: Bytes, to url: URL) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        var status = stat()
        if stat(folder, &status) != 0 || (status.st_mode & S_IFMT) != S_IFDIR {
            throw ImageError.unwritable(path: path, reason: "the folder \(folder) does not exist")
        }
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            throw ImageError.unwritable(path: path, reason: "it is a folder")
        }
        let (descriptor, temporary) = try createTemporary(near: url)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw ImageError.unwritable(path: path, reason: String(cString: strerror(errno)))
                    }
                    offset += written
                }
            }
            if fsync(descriptor) != 0 {
                throw ImageError.unwritable(path: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            close(descriptor)
            throw error
        }
        if close(descriptor) != 0 {
            throw ImageError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            throw ImageError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        renamed = true
    }

    /// Opens a new file `.<name>.<random>.tmp` beside `url` with O_EXCL, so it never replaces another
    /// file; mode 0666 filtered by the umask, like any newly created file.
    private static func createTemporary(near url: URL) throws -> (Int32, String) {
        let folder = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let temporary = (folder as NSString).appendingPathComponent(".\(name).\(suffix).tmp")
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { return (descriptor, temporary) }
            if errno != EEXIST {
                throw ImageError.unwritable(path: url.path, reason: String(cString: strerror(errno)))
            }
        }
        throw ImageError.unwritable(path: url.path, reason: "could not create a temporary file beside it")
    }
}
