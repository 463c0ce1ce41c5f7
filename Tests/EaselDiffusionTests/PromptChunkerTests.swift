import EaselDiffusion
import EaselTestSupport
import Testing

/// `A1111PromptChunker` against A1111's `tokenize_line` (ported in the fixture script, which asserts the port
/// equal to A1111's own code): the same chunks, token for token, weight for weight.
@Suite struct PromptChunkerTests {
    @Test func chunksAsA1111() throws {
        let temporary = try TemporaryFolder()
        for item in try PromptFixtures.encoderCases() {
            let chunker = A1111PromptChunker(tokenizer: try PromptFixtures.tokenizer(item.tokenizer, in: temporary))
            for (prompt, expected) in [(item.prompt, item.chunks), (item.negative_prompt, item.negative_chunks)] {
                let chunks = try chunker.chunks(prompt)
                #expect(chunks.map(\.tokens) == expected.map(\.tokens), "\(item.name): \(prompt.debugDescription)")
                #expect(chunks.map(\.multipliers) == expected.map(\.multipliers), "\(item.name): \(prompt.debugDescription)")
                #expect(chunks.allSatisfy { $0.tokens.count == 77 && $0.multipliers.count == 77 })
            }
        }
    }

    /// The chunks of the parser's prompts (chosen and random), with the small tokenizer.
    @Test func chunksTheSyntaxPromptsAsA1111() throws {
        let chunker = A1111PromptChunker(tokenizer: try PromptFixtures.tokenizer("small", in: TemporaryFolder()))
        let cases = try PromptFixtures.attentionCases().filter { $0.chunks != nil }
        #expect(cases.count == 79)
        for item in cases {
            let chunks = try chunker.chunks(item.prompt)
            #expect(chunks.map(\.tokens) == item.chunks!.map(\.tokens), "\(item.prompt.debugDescription)")
            #expect(chunks.map(\.multipliers) == item.chunks!.map(\.multipliers), "\(item.prompt.debugDescription)")
        }
    }

    /// The comma backtracking moved words: a chunk of the long prompt ends in the end-token padding after a
    /// comma instead of mid-phrase.
    @Test func commaBacktrackingPadsAfterTheComma() throws {
        let item = try #require(try PromptFixtures.encoderCases().first { $0.name == "long_commas" })
        let tokenizer = try PromptFixtures.tokenizer("small", in: TemporaryFolder())
        let chunks = try A1111PromptChunker(tokenizer: tokenizer).chunks(item.prompt)
        let comma = try #require(tokenizer.vocabularyID(of: ",</w>"))
        let first = chunks[0].tokens
        let lastWord = try #require(first[1..<76].lastIndex { $0 != tokenizer.eosTokenID })
        #expect(first[lastWord] == comma && lastWord < 75)
        var noBacktrack = A1111PromptChunker(tokenizer: tokenizer)
        noBacktrack.commaPaddingBacktrack = 0
        #expect(try noBacktrack.chunks(item.prompt)[0].tokens[75] != tokenizer.eosTokenID)
    }
}
