/// AUTOMATIC1111's long-prompt chunking, `FrozenCLIPEmbedderWithCustomWordsBase.tokenize_line`
/// (`modules/sd_hijack_clip.py`) under A1111's defaults (emphasis "Original", no textual inversion):
/// the prompt is parsed (`PromptAttentionParser`), each piece tokenized on its own, and the tokens laid into
/// chunks of 75 with their weights. `BREAK` closes the current chunk. When a chunk is full and a comma lies at
/// most `commaPaddingBacktrack` tokens back, the tokens after that comma move to the next chunk. Every chunk
/// is padded to 75 with the end token and framed as `[bos] + 75 + [eos]`; an empty prompt is one empty chunk.
public struct A1111PromptChunker: Sendable {
    public let tokenizer: CLIPTokenizer
    /// Tokens per chunk between bos and eos (A1111: 75).
    public var chunkLength = 75
    /// A1111's `comma_padding_backtrack` setting (default 20; 0 turns the backtracking off).
    public var commaPaddingBacktrack = 20
    /// `vocab.get(',</w>')`: the token that marks where a chunk may be cut.
    public let commaTokenID: Int32?

    public init(tokenizer: CLIPTokenizer) {
        self.tokenizer = tokenizer
        commaTokenID = tokenizer.vocabularyID(of: ",</w>")
    }

    /// The chunks of one prompt (`tokenize_line`'s first result).
    public func chunks(_ prompt: String) throws -> [PromptChunk] {
        let parsed = try PromptAttentionParser.parse(prompt)
        let (start, end) = (tokenizer.bosTokenID, tokenizer.eosTokenID)
        var chunks: [PromptChunk] = []
        var tokens: [Int32] = []
        var multipliers: [Double] = []
        var lastComma = -1

        func nextChunk() {
            let missing = chunkLength - tokens.count
            if missing > 0 {
                tokens += Array(repeating: end, count: missing)
                multipliers += Array(repeating: 1, count: missing)
            }
            chunks.append(PromptChunk(tokens: [start] + tokens + [end], multipliers: [1] + multipliers + [1]))
            tokens = []
            multipliers = []
            lastComma = -1
        }

        for piece in parsed {
            if piece.isBreak {
                nextChunk()
                continue
            }
            for token in tokenizer.encode(piece.text) {
                if token == commaTokenID {
                    lastComma = tokens.count
                } else if commaPaddingBacktrack != 0, tokens.count == chunkLength, lastComma != -1,
                    tokens.count - lastComma <= commaPaddingBacktrack
                {
                    let cut = lastComma + 1
                    let (movedTokens, movedMultipliers) = (Array(tokens[cut...]), Array(multipliers[cut...]))
                    tokens.removeSubrange(cut...)
                    multipliers.removeSubrange(cut...)
                    nextChunk()
                    (tokens, multipliers) = (movedTokens, movedMultipliers)
                }
                if tokens.count == chunkLength { nextChunk() }
                tokens.append(token)
                multipliers.append(piece.weight)
            }
        }
        if !tokens.isEmpty || chunks.isEmpty { nextChunk() }
        return chunks
    }
}
