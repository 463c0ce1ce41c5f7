import EaselDiffusion
import Testing

/// `PromptAttentionParser` against A1111's `parse_prompt_attention` (the fixture script asserts its port equal
/// to A1111's own function) on 30 chosen prompts and 300 random strings of the syntax's tokens: texts and
/// weights must be equal exactly (the same double products). (Checked once more, outside the suite, on 3,000
/// random strings against A1111's own functions: no difference.)
@Suite struct PromptAttentionTests {
    @Test func parsesAsA1111() throws {
        let cases = try PromptFixtures.attentionCases()
        #expect(cases.count == 330)
        for item in cases {
            if let texts = item.texts, let weights = item.weights {
                let parsed = try PromptAttentionParser.parse(item.prompt)
                #expect(parsed.map(\.text) == texts, "\(item.prompt.debugDescription)")
                #expect(parsed.map(\.weight) == weights, "\(item.prompt.debugDescription)")
            } else {
                // A1111 raises ValueError from float(); Easel throws an error naming the weight.
                #expect(throws: PromptSyntaxError.self, "\(item.prompt.debugDescription)") {
                    try PromptAttentionParser.parse(item.prompt)
                }
            }
        }
    }

    @Test func documentedExamples() throws {
        #expect(try PromptAttentionParser.parse("an (important) word")
            == [WeightedText("an ", 1), WeightedText("important", 1.1), WeightedText(" word", 1)])
        #expect(try PromptAttentionParser.parse("a BREAK b")
            == [WeightedText("a", 1), .breakMarker, WeightedText("b", 1)])
        #expect(throws: PromptSyntaxError.invalidWeight("1.2.3")) { try PromptAttentionParser.parse("(x:1.2.3)") }
    }
}
