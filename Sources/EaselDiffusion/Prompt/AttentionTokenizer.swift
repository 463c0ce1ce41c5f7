/// The tokens of A1111's `re_attention`, tried in its order at each position:
/// `\( \) \[ \] \\` (escapes), `\` (a lone backslash), `(`, `[`, `:weight)` with weight `[+-]?[.\d]+`, `)`, `]`,
/// a run of text without `\ ( ) [ ] :`, and a lone `:`. Written as a scanner over Unicode scalars, as
/// Python's `re` walks code points.
enum AttentionTokenizer {
    enum Token: Equatable {
        /// An escape's literal character, or "" for a lone backslash (A1111 appends `text[1:]`).
        case escaped(String)
        case openRound
        case openSquare
        /// `:weight)`: the weight's text, and the whole token as text (used when no `(` is open).
        case weightClose(weight: String, text: String)
        case closeRound
        case closeSquare
        case text(String)
    }

    static func tokens(of prompt: String) -> [Token] {
        let scalars = Array(prompt.unicodeScalars)
        var tokens: [Token] = []
        var position = 0
        func string(_ range: Range<Int>) -> String { AddedTokenSplitter.string(scalars[range]) }
        while position < scalars.count {
            let scalar = scalars[position]
            let next = position + 1 < scalars.count ? scalars[position + 1] : nil
            switch scalar {
            case "\\":
                if let next, "()[]\\".unicodeScalars.contains(next) {
                    tokens.append(.escaped(String(next)))
                    position += 2
                } else {
                    tokens.append(.escaped(""))
                    position += 1
                }
            case "(":
                tokens.append(.openRound)
                position += 1
            case "[":
                tokens.append(.openSquare)
                position += 1
            case ":":
                if let end = weightEnd(scalars, colon: position) {
                    tokens.append(.weightClose(weight: string((position + 1)..<end), text: string(position..<(end + 1))))
                    position = end + 1
                } else {
                    tokens.append(.text(":"))
                    position += 1
                }
            case ")":
                tokens.append(.closeRound)
                position += 1
            case "]":
                tokens.append(.closeSquare)
                position += 1
            default:
                let start = position
                while position < scalars.count, !"\\()[]:".unicodeScalars.contains(scalars[position]) { position += 1 }
                tokens.append(.text(string(start..<position)))
            }
        }
        return tokens
    }

    /// For `:` at `colon`, the position of the `)` that ends `:[+-]?[.\d]+)`, or nil. The digit run is
    /// greedy and cannot contain `)`, so no backtracking is needed; without its sign the run would have to
    /// start at the sign, which it cannot.
    private static func weightEnd(_ scalars: [Unicode.Scalar], colon: Int) -> Int? {
        var position = colon + 1
        if position < scalars.count, scalars[position] == "+" || scalars[position] == "-" { position += 1 }
        let start = position
        while position < scalars.count,
            scalars[position] == "." || scalars[position].properties.generalCategory == .decimalNumber
        {
            position += 1
        }
        guard position > start, position < scalars.count, scalars[position] == ")" else { return nil }
        return position
    }
}
