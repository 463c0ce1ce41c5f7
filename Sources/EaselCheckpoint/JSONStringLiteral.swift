/// A string as a JSON string literal, escaped as `serde_json` and Python's `json.dumps(..., ensure_ascii=False)`
/// escape it (quote, backslash and control characters only; `\u00XX` in lowercase hex): safetensors headers
/// match the reference writer's byte for byte, and A1111 infotext values are quoted as its `quote` does.
public enum JSONStringLiteral {
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
