/// Why a request cannot be carried out with a model. Each message says which setting to change.
public enum GenerationError: Error, Equatable, CustomStringConvertible {
    /// A setting outside what the pipeline accepts (size not a multiple of 8, strength outside (0, 1], ...).
    case invalidRequest(String)
    /// The model cannot do what was asked (e.g. a sampler its scheduler config cannot build).
    case unsupported(String)
    /// The progress callback asked to stop.
    case cancelled

    public var description: String {
        switch self {
        case .invalidRequest(let message): "invalid request: \(message)"
        case .unsupported(let message): "unsupported: \(message)"
        case .cancelled: "generation cancelled"
        }
    }
}
