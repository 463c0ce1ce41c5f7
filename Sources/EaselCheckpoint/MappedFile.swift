#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory (`mmap`), unmapped when the last reference goes away.
///
/// Opening a multi-gigabyte checkpoint therefore costs nothing until its pages are touched, and the
/// kernel can drop clean pages under memory pressure instead of swapping a copy. The mapping is private
/// and read-only, so sharing it across threads is safe.
///
/// A file truncated by another process *after* it was mapped makes reads past the new end fault
/// (SIGBUS); nothing in user space can guard that, and the header checks cover files that were short
/// to begin with.
final class MappedFile: @unchecked Sendable {
    /// The mapped bytes; empty (and unmapped) for an empty file.
    let bytes: UnsafeRawBufferPointer
    private let mappedLength: Int

    /// Maps `path`; the error names the file and the system's reason.
    init(path: String) throws(CheckpointError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: Self.systemReason()) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .unreadable(path: path, reason: Self.systemReason()) }
        let kind = status.st_mode & S_IFMT
        guard kind != S_IFDIR else { throw .unreadable(path: path, reason: "it is a folder, not a file") }
        guard kind == S_IFREG else { throw .unreadable(path: path, reason: "it is not a regular file") }
        let length = Int(status.st_size)
        guard length > 0 else {
            // mmap rejects a zero length; an empty file is simply no bytes.
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mappedLength = 0
            return
        }
        let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw .unreadable(path: path, reason: "cannot map it into memory: " + Self.systemReason())
        }
        bytes = UnsafeRawBufferPointer(start: address, count: length)
        mappedLength = length
    }

    deinit {
        if mappedLength > 0, let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), mappedLength)
        }
    }

    /// `strerror(errno)`, e.g. "No such file or directory".
    private static func systemReason() -> String {
        String(cString: strerror(errno))
    }
}
