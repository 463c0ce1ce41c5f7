/// AUTOMATIC1111's prompt emphasis syntax, `prompt_parser.parse_prompt_attention` (stable-diffusion-webui):
/// `(text)` multiplies the weight by 1.1, `[text]` divides it by 1.1, `(text:1.3)` multiplies it by 1.3; brackets
/// nest and multiply; `\(`, `\)`, `\[`, `\]`, `\\` are the literal characters (a backslash before anything else
/// is dropped); a bracket left open closes at the end of the prompt; a closing bracket without an opening one
/// is text. `BREAK` (a whole word, in capitals) splits the text with a `WeightedText.breakMarker`. Neighbouring
/// pieces of equal weight are merged. Prompt editing (`[a:b:0.5]`), alternation (`[a|b]`) and `AND` are not
/// resolved here (A1111 resolves them before this step); their characters are read as this syntax reads them.
public enum PromptAttentionParser {
    static let roundMultiplier = 1.1
    static let squareMultiplier = 1 / 1.1

    /// The pieces of `prompt` with their weights; `[("", 1)]` for a prompt with no text.
    public static func parse(_ prompt: String) throws -> [WeightedText] {
        var pieces: [WeightedText] = []
        var openRound: [Int] = []
        var openSquare: [Int] = []
        func scale(from start: Int, by factor: Double) {
            for index in start..<pieces.count { pieces[index].weight *= factor }
        }

        for token in AttentionTokenizer.tokens(of: prompt) {
            switch token {
            case .escaped(let text):
                pieces.append(WeightedText(text, 1))
            case .openRound:
                openRound.append(pieces.count)
            case .openSquare:
                openSquare.append(pieces.count)
            case .weightClose(let weight, let text):
                if let start = openRound.popLast() {
                    scale(from: start, by: try number(weight))
                } else {
                    appendText(text, to: &pieces)
                }
            case .closeRound:
                if let start = openRound.popLast() { scale(from: start, by: roundMultiplier) } else { appendText(")", to: &pieces) }
            case .closeSquare:
                if let start = openSquare.popLast() { scale(from: start, by: squareMultiplier) } else { appendText("]", to: &pieces) }
            case .text(let text):
                appendText(text, to: &pieces)
            }
        }
        // A1111 closes the brackets left open in the order they were opened.
        for start in openRound { scale(from: start, by: roundMultiplier) }
        for start in openSquare { scale(from: start, by: squareMultiplier) }
        if pieces.isEmpty { pieces = [WeightedText("", 1)] }

        var index = 0
        while index + 1 < pieces.count {
            if pieces[index].weight == pieces[index + 1].weight {
                pieces[index].text += pieces[index + 1].text
                pieces.remove(at: index + 1)
            } else {
                index += 1
            }
        }
        return pieces
    }

    /// Text at weight 1, cut at each `BREAK` (`re.split(r"\s*\bBREAK\b\s*", text)`) with a marker between.
    private static func appendText(_ text: String, to pieces: inout [WeightedText]) {
        for (index, part) in BreakSplitter.split(text).enumerated() {
            if index > 0 { pieces.append(.breakMarker) }
            pieces.append(WeightedText(part, 1))
        }
    }

    /// Python's `float()` of a string matching `[+-]?[.\d]+`; `\d` and `float()` accept any Unicode decimal
    /// digit, so those are read by their value.
    static func number(_ text: String) throws -> Double {
        var ascii = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .decimalNumber, let value = scalar.properties.numericValue {
                ascii += String(Int(value))
            } else {
                ascii.unicodeScalars.append(scalar)
            }
        }
        guard let value = Double(ascii) else { throw PromptSyntaxError.invalidWeight(text) }
        return value
    }
}
