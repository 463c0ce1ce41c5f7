/// Why a pose could not be detected, read or drawn.
public enum PoseError: Error, Equatable, CustomStringConvertible {
    case invalidMaps(String)
    case imageTooSmall(width: Int, height: Int)
    case invalidJSON(field: String, reason: String)
    case unreadableFile(path: String, reason: String)
    case drawingFailed(String)

    public var description: String {
        switch self {
        case .invalidMaps(let message): "pose: invalid network maps: \(message)"
        case .imageTooSmall(let width, let height):
            "pose: a \(width)x\(height) image is too narrow to detect at OpenPose's scale (height 184)"
        case .invalidJSON(let field, let reason): "pose JSON: '\(field)' \(reason)"
        case .unreadableFile(let path, let reason): "cannot read pose JSON '\(path)': \(reason)"
        case .drawingFailed(let message): "pose: drawing failed: \(message)"
        }
    }
}
