/// `re.split(r"\s*\bBREAK\b\s*", text, flags=re.S)` as A1111 calls it: `BREAK` as a whole word (Python's
/// Unicode `\w`: letters, digits, numbers and `_` around it end the word), together with the white space on
/// both sides, separates the parts.
enum BreakSplitter {
    private static let word: [Unicode.Scalar] = Array("BREAK".unicodeScalars)

    static func split(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var parts: [String] = []
        var partStart = 0
        var position = 0
        func string(_ range: Range<Int>) -> String { AddedTokenSplitter.string(scalars[range]) }
        // The leftmost match starts at the first of the white space run before a BREAK (but not before the end
        // of the previous match), so scan for BREAK and widen over white space on both sides.
        while position + word.count <= scalars.count {
            guard scalars[position..<(position + word.count)].elementsEqual(word),
                position == 0 || !isWordCharacter(scalars[position - 1]),
                position + word.count == scalars.count || !isWordCharacter(scalars[position + word.count])
            else {
                position += 1
                continue
            }
            var start = position
            while start > partStart, scalars[start - 1].properties.isWhitespace { start -= 1 }
            var end = position + word.count
            while end < scalars.count, scalars[end].properties.isWhitespace { end += 1 }
            parts.append(string(partStart..<start))
            partStart = end
            position = end
        }
        parts.append(string(partStart..<scalars.count))
        return parts
    }

    /// Python's `\w` for str patterns: alphanumeric (letters and numbers of every category) or `_`.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || CLIPPreTokenizer.isLetter(scalar) || CLIPPreTokenizer.isNumber(scalar)
    }
}
