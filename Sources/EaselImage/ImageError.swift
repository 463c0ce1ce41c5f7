/// Why an image could not be read, written or processed. File cases name the file, so the message
/// (`description`) tells a user which file to fix and what is wrong with it.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileNotFound(path: String)
    /// The file exists but could not be read (permissions, a folder, an I/O error).
    case unreadable(path: String, reason: String)
    /// The bytes are not an image Easel recognises (empty, random data, text...).
    case notAnImage(path: String, reason: String)
    /// A recognised image format Easel does not decode (e.g. GIF).
    case unsupportedFormat(path: String, format: String)
    /// The file claims a format but its data is damaged or truncated.
    case corrupt(path: String, format: String, reason: String)
    /// The image could not be written (missing folder, permissions, disk full...). No file was left.
    case unwritable(path: String, reason: String)
    /// A caller passed values that cannot describe an image or an operation on it.
    case invalidArgument(String)
    /// An image operation (OpenCV, libpng) failed.
    case operationFailed(operation: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): "\(path): no such file"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .notAnImage(let path, let reason): "\(path) is not an image: \(reason)"
        case .unsupportedFormat(let path, let format):
            "\(path) is a \(format) image, which Easel does not read (use PNG, JPEG, WebP, BMP or TIFF)"
        case .corrupt(let path, let format, let reason): "\(path) is a damaged \(format) file: \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .invalidArgument(let message): message
        case .operationFailed(let operation, let reason): "\(operation) failed: \(reason)"
        }
    }
}
