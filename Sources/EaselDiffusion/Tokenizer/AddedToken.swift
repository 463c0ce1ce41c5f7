/// A token matched in the text before BPE, as tokenizers' `AddedToken`: CLIP's `<|startoftext|>` and
/// `<|endoftext|>`, and SD 2's pad token `!`. Such a token is never split or merged; wherever its text occurs
/// it becomes its id.
public struct AddedToken: Sendable, Equatable {
    public var content: String
    public var id: Int32
    /// Whether it is matched in the normalized text (NFC, lower case, one space) or in the raw text.
    /// transformers 5 adds a special token given as a plain string with `normalized=False`, one given as an
    /// `AddedToken` dict with the dict's flag; SD 1.x's `<|endoftext|>` ends up raw (its `pad_token` is the plain
    /// string), so `<|ENDOFTEXT|>` is not the special token there, while SD 2's (pad `!`) is normalized.
    public var normalized: Bool

    public init(content: String, id: Int32, normalized: Bool) {
        self.content = content
        self.id = id
        self.normalized = normalized
    }
}

/// Splits text at added tokens, as tokenizers' `AddedVocabulary`: the longest token starting at the leftmost
/// position wins (aho-corasick, leftmost-longest); the text between tokens is returned as it is.
struct AddedTokenSplitter: Sendable {
    enum Piece: Equatable {
        case text(String)
        case token(Int32)
    }

    private let patterns: [(scalars: [Unicode.Scalar], id: Int32)]

    init(_ tokens: [(content: String, id: Int32)]) {
        patterns = tokens.filter { !$0.content.isEmpty }.map { (Array($0.content.unicodeScalars), $0.id) }
    }

    func split(_ text: String) -> [Piece] {
        guard !patterns.isEmpty else { return [.text(text)] }
        let scalars = Array(text.unicodeScalars)
        var pieces: [Piece] = []
        var textStart = 0
        var position = 0
        while position < scalars.count {
            var best: (length: Int, id: Int32)?
            for pattern in patterns where pattern.scalars.count > (best?.length ?? 0) {
                if position + pattern.scalars.count <= scalars.count,
                    scalars[position..<(position + pattern.scalars.count)].elementsEqual(pattern.scalars)
                {
                    best = (pattern.scalars.count, pattern.id)
                }
            }
            guard let (length, id) = best else {
                position += 1
                continue
            }
            if textStart < position { pieces.append(.text(Self.string(scalars[textStart..<position]))) }
            pieces.append(.token(id))
            position += length
            textStart = position
        }
        if textStart < scalars.count { pieces.append(.text(Self.string(scalars[textStart...]))) }
        return pieces
    }

    /// The string of a run of scalars (used by the prompt parsers too).
    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
