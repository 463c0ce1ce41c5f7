/// Why a network's weights could not be loaded. Each case names the tensor, so a user can tell a wrong
/// checkpoint (e.g. an SDXL file given for SD 1.5) from a damaged one.
public enum WeightError: Error, Equatable, CustomStringConvertible {
    case missing(name: String, expectedShape: [Int]?)
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    case unexpected(names: [String])
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .missing(let name, let shape?):
            "the checkpoint has no tensor '\(name)' (expected shape \(shape))"
        case .missing(let name, nil):
            "the checkpoint has no tensor '\(name)'"
        case .shapeMismatch(let name, let expected, let actual):
            "tensor '\(name)' has shape \(actual), expected \(expected)"
        case .unexpected(let names):
            "the checkpoint has \(names.count) tensor(s) the model does not use: "
                + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
        case .invalidConfiguration(let message):
            "invalid model configuration: \(message)"
        }
    }
}
