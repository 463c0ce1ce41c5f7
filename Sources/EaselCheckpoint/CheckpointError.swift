/// Why a checkpoint could not be read. Every case names the file, so a user knows which one to fix.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case missingTensor(path: String, name: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .corrupt(let path, let reason): "\(path) is not a valid safetensors file: \(reason)"
        case .missingTensor(let path, let name): "\(path) has no tensor named '\(name)'"
        }
    }
}
