/// One piece of a prompt with its attention weight, an entry of the list AUTOMATIC1111's
/// `prompt_parser.parse_prompt_attention` returns. `BREAK` is the piece `("BREAK", -1)`.
public struct WeightedText: Sendable, Equatable {
    public var text: String
    /// The product of the bracket multipliers around the text, in Python's double arithmetic.
    public var weight: Double

    public init(_ text: String, _ weight: Double) {
        self.text = text
        self.weight = weight
    }

    /// The marker A1111 puts where the prompt says `BREAK` (a new chunk starts there).
    public static let breakMarker = WeightedText("BREAK", -1)

    public var isBreak: Bool { text == "BREAK" && weight == -1 }
}

/// A prompt the A1111 syntax cannot read. A1111 itself fails on the same input (Python's `float()` raises).
public enum PromptSyntaxError: Error, Equatable, CustomStringConvertible {
    /// `(text:weight)` whose weight matched A1111's pattern `[+-]?[.\d]+` but is not a number (e.g. `1.2.3`).
    case invalidWeight(String)

    public var description: String {
        switch self {
        case .invalidWeight(let weight):
            "the prompt weight '\(weight)' is not a number (write it as in (text:1.2))"
        }
    }
}
