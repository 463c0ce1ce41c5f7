import EaselTensor

/// What `CLIPTextModel` returns for a batch of token ids, transformers' `BaseModelOutputWithPooling`
/// with `output_hidden_states=True`.
public struct CLIPTextModelOutput: Sendable {
    /// `[B, L, C]`: the last layer's output after `final_layer_norm` (SD 1.x/2.x prompt embeddings).
    public var lastHiddenState: Tensor
    /// `[B, C]`: `lastHiddenState` at each row's end-of-text position (`CLIPTextModel.pooledPositions`).
    public var pooledOutput: Tensor
    /// `num_hidden_layers + 1` tensors `[B, L, C]`, all before `final_layer_norm`: the embeddings, then each
    /// layer's output, as transformers' `hidden_states`. SDXL reads `hiddenStates[count - 2]` as it is.
    public var hiddenStates: [Tensor]
}

/// Token-id batches the text model cannot encode; each case says which id or size is wrong.
public enum CLIPTextModelError: Error, Equatable, CustomStringConvertible {
    case emptyBatch
    /// Rows of different lengths (the tokenizer pads every row to the same length).
    case raggedBatch(lengths: [Int])
    case sequenceTooLong(length: Int, maximum: Int)
    case tokenOutOfRange(id: Int32, row: Int, position: Int, vocabularySize: Int)
    /// `clipSkip` must be in `0...num_hidden_layers`.
    case clipSkipOutOfRange(clipSkip: Int, layers: Int)

    public var description: String {
        switch self {
        case .emptyBatch:
            "no token ids to encode"
        case .raggedBatch(let lengths):
            "token id rows differ in length: \(lengths)"
        case .sequenceTooLong(let length, let maximum):
            "\(length) tokens is more than the text encoder's \(maximum) positions"
        case .tokenOutOfRange(let id, let row, let position, let vocabularySize):
            "token id \(id) (row \(row), position \(position)) is outside the vocabulary of \(vocabularySize)"
        case .clipSkipOutOfRange(let clipSkip, let layers):
            "clip skip \(clipSkip) is outside 0...\(layers) for a text encoder of \(layers) layers"
        }
    }
}
