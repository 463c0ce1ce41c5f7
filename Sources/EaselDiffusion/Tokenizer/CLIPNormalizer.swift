import Foundation

/// The normalizer transformers 5 `CLIPTokenizer` (tokenizers-backed) installs:
/// `Sequence([NFC(), Replace(Regex(r"\s+"), " "), Lowercase()])`.
///
/// ftfy is not used: the tokenizers-backed class never calls it (only transformers 4's Python
/// `CLIPTokenizer` did, and only when ftfy was installed), so text such as mojibake or HTML entities is
/// tokenized as it is. Leading and trailing whitespace is kept here (not stripped); the pre-tokenizer drops it.
enum CLIPNormalizer {
    /// NFC, every run of white space (Unicode White_Space, as Oniguruma's `\s`) made one space, then each
    /// scalar lower-cased on its own (Rust's `char::to_lowercase`: full mappings, no context rules such as
    /// the final sigma).
    static func normalize(_ text: String) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        var inSpace = false
        for scalar in composed.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !inSpace { out.append(" ") }
                inSpace = true
                continue
            }
            inSpace = false
            if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
