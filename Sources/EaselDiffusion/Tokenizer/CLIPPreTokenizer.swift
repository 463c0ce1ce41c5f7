/// The pre-tokenizer transformers 5 `CLIPTokenizer` installs, which cuts normalized text into the words BPE
/// runs on:
/// 1. `Split(Regex(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"),
///    behavior="removed", invert=True)`: the matches are kept, the white space between them dropped;
/// 2. `ByteLevel(add_prefix_space=False)`, which splits each piece again with GPT-2's regex
///    (`'s|'t|...| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`) before mapping bytes to characters.
///
/// Step 2 changes only the pieces `<|startoftext|>` and `<|endoftext|>` (typed in lower case where the special
/// token itself did not match), which become `<|`, the word, and `|>`; every other piece of step 1 is already
/// one GPT-2 piece. The regex is written out as a scanner over Unicode scalars.
enum CLIPPreTokenizer {
    private static let specialLiterals: [[Unicode.Scalar]] = ["<|startoftext|>", "<|endoftext|>"].map { Array($0.unicodeScalars) }
    /// The contraction suffixes after an apostrophe, in the regex's order.
    private static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map { Array($0.unicodeScalars) }

    /// The words of `text` (already normalized), in order.
    static func words(_ text: String) -> [Substring] {
        let scalars = Array(text.unicodeScalars)
        // Scalar offsets -> String indices, to return substrings of `text`.
        var indices = Array(text.unicodeScalars.indices)
        indices.append(text.unicodeScalars.endIndex)
        var words: [Substring] = []
        func emit(_ start: Int, _ end: Int) { words.append(Substring(text.unicodeScalars[indices[start]..<indices[end]])) }

        var position = 0
        while position < scalars.count {
            let scalar = scalars[position]
            if let literal = specialLiterals.first(where: { matches($0, in: scalars, at: position) }) {
                // ByteLevel's GPT-2 split: "<|", the letters, "|>".
                emit(position, position + 2)
                emit(position + 2, position + literal.count - 2)
                emit(position + literal.count - 2, position + literal.count)
                position += literal.count
            } else if scalar == "'", let suffix = contractions.first(where: { matches($0, in: scalars, at: position + 1) }) {
                emit(position, position + 1 + suffix.count)
                position += 1 + suffix.count
            } else if isLetter(scalar) {
                let start = position
                while position < scalars.count, isLetter(scalars[position]) { position += 1 }
                emit(start, position)
            } else if isNumber(scalar) {
                emit(position, position + 1)
                position += 1
            } else if scalar.properties.isWhitespace {
                position += 1
            } else {
                let start = position
                while position < scalars.count, isOther(scalars[position]) { position += 1 }
                emit(start, position)
            }
        }
        return words
    }

    private static func matches(_ pattern: [Unicode.Scalar], in scalars: [Unicode.Scalar], at position: Int) -> Bool {
        guard position + pattern.count <= scalars.count else { return false }
        for (offset, scalar) in pattern.enumerated() where scalars[position + offset] != scalar { return false }
        return true
    }

    /// `\p{L}`: Lu, Ll, Lt, Lm, Lo.
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// `\p{N}`: Nd, Nl, No.
    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    /// `[^\s\p{L}\p{N}]`.
    static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        !scalar.properties.isWhitespace && !isLetter(scalar) && !isNumber(scalar)
    }
}
