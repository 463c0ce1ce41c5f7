import EaselTensor

/// Turns a prompt and a negative prompt into the text embeddings the UNet attends to, with the CLIP tokenizer
/// and text model of one SD 1.x/2.x model.
///
/// - `.plain` is diffusers 0.42.1 `StableDiffusionPipeline.encode_prompt`: each prompt padded/truncated to
///   `model_max_length` (77) tokens; `clipSkip` applies to the prompt only, never to the negative prompt;
///   an empty negative prompt is the tokens of "". Both results are `[1, 77, C]`.
/// - `.a1111` is AUTOMATIC1111's `FrozenCLIPEmbedderWithCustomWords.forward` on each prompt: chunks of 75 tokens
///   (`A1111PromptChunker`), each encoded on its own (SD 2: after the first end token the ids become the pad
///   id), weighted by `EmphasisOriginal`, and concatenated along the tokens; `clipSkip` applies to both
///   prompts. When the two differ in chunk count, the shorter gets copies of the empty prompt's chunk
///   (`CFGDenoiser.pad_cond_uncond`; A1111 does this with its "pad prompt/negative prompt" option, and
///   otherwise runs the UNet on the two lengths separately). Both results are `[1, 77k, C]`.
///
/// `clipSkip` counts as diffusers' `clip_skip` and `CLIPTextModel.encode` do: 0 is the last layer. A1111's
/// "Clip skip" setting n is `clipSkip` n - 1.
public struct PromptEncoder: Sendable {
    public let tokenizer: CLIPTokenizer
    public let textModel: CLIPTextModel

    public init(tokenizer: CLIPTokenizer, textModel: CLIPTextModel) {
        self.tokenizer = tokenizer
        self.textModel = textModel
    }

    /// The embeddings of `prompt` and `negativePrompt`, `[1, 77k, C]` each, with the same `k`.
    public func encode(
        prompt: String, negativePrompt: String = "", syntax: PromptSyntax = .plain, clipSkip: Int = 0
    ) throws -> (positive: Tensor, negative: Tensor) {
        switch syntax {
        case .plain:
            let positive = try textModel.encode([tokenizer.paddedIDs(prompt)], clipSkip: clipSkip)
            let negative = try textModel.encode([tokenizer.paddedIDs(negativePrompt)], clipSkip: 0)
            return (positive, negative)
        case .a1111:
            let chunker = A1111PromptChunker(tokenizer: tokenizer)
            let (positiveChunks, negativeChunks) = (try chunker.chunks(prompt), try chunker.chunks(negativePrompt))
            var positive = try encodeA1111(positiveChunks, clipSkip: clipSkip)
            var negative = try encodeA1111(negativeChunks, clipSkip: clipSkip)
            if positive.count != negative.count {
                // The empty prompt's chunk; already encoded when either prompt is empty (the usual negative).
                let emptyChunks = try chunker.chunks("")
                let empty = negativeChunks == emptyChunks ? negative[0]
                    : positiveChunks == emptyChunks ? positive[0] : try encodeA1111(emptyChunks, clipSkip: clipSkip)[0]
                if positive.count < negative.count {
                    positive += Array(repeating: empty, count: negative.count - positive.count)
                } else {
                    negative += Array(repeating: empty, count: positive.count - negative.count)
                }
            }
            return (concat(positive, axis: 1), concat(negative, axis: 1))
        }
    }

    /// Each chunk's `[1, 77, C]` embedding: `process_tokens` (pad ids after the first end token when the pad
    /// differs from it, as SD 2's), the encoder with clip skip, then the emphasis.
    func encodeA1111(_ chunks: [PromptChunk], clipSkip: Int) throws -> [Tensor] {
        try chunks.map { chunk in
            var ids = chunk.tokens
            if tokenizer.padTokenID != tokenizer.eosTokenID, let end = ids.firstIndex(of: tokenizer.eosTokenID) {
                for index in (end + 1)..<ids.count { ids[index] = tokenizer.padTokenID }
            }
            let z = try textModel.encode([ids], clipSkip: clipSkip)
            return PromptEmphasis.applyOriginal(to: z, multipliers: chunk.multipliers)
        }
    }
}
