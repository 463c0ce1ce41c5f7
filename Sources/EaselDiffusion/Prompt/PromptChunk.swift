/// One chunk of a prompt as A1111 feeds it to the text encoder (`sd_hijack_clip.PromptChunk`): 77 token ids,
/// `[bos] + 75 ids + [eos]`, and each token's emphasis multiplier.
public struct PromptChunk: Sendable, Equatable {
    public var tokens: [Int32]
    /// The weight of each token (1 for bos, eos and padding), as Python floats.
    public var multipliers: [Double]

    public init(tokens: [Int32], multipliers: [Double]) {
        self.tokens = tokens
        self.multipliers = multipliers
    }
}
