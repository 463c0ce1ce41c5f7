/// Why a tokenizer could not be built from its files. Each case names the file (or token) at fault, so a
/// user can tell a missing `tokenizer/` folder from a damaged one.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A file the tokenizer needs is not there (`vocab.json`, `merges.txt`, or a bundled resource).
    case missingFile(path: String)
    /// A file is there but cannot be read or decoded; `reason` says what was wrong.
    case malformedFile(path: String, reason: String)
    /// `merges.txt` line `line` (1-based, as tokenizers counts it) is not two space-separated symbols, or names
    /// a symbol (or the merged pair) that the vocabulary lacks.
    case badMerge(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            "tokenizer file \(path) is missing"
        case .malformedFile(let path, let reason):
            "tokenizer file \(path) is malformed: \(reason)"
        case .badMerge(let path, let line, let reason):
            "tokenizer file \(path), line \(line): \(reason)"
        }
    }
}
