import EaselTensor

/// The CLIP text encoder, transformers' `CLIPTextModel` (its `CLIPTextTransformer`): token plus position
/// embeddings, `num_hidden_layers` pre-LN transformer layers under a causal mask, and a final LayerNorm.
///
/// Clip skip: `encode(_:clipSkip:)` takes diffusers' `clip_skip` (`StableDiffusionPipeline.encode_prompt`):
/// `clip_skip = k` uses `final_layer_norm(hidden_states[-(k + 1)])`, the output of layer `N - k` put through
/// the final LayerNorm; 0 (or None in diffusers) is the ordinary last hidden state. A1111's "Clip skip"
/// setting counts from 1 (1 = no skip, 2 = the penultimate layer), so A1111's `n` is diffusers' `n - 1`.
public struct CLIPTextModel: Sendable {
    public let config: CLIPTextConfig
    /// Whether the weights were read under `text_model.` (published SD folders, written by transformers 4)
    /// or at the root (transformers 5).
    public let usedTextModelPrefix: Bool
    /// `[vocab_size, C]`.
    var tokenEmbedding: Tensor
    /// `[max_position_embeddings, C]`.
    var positionEmbedding: Tensor
    var layers: [CLIPEncoderLayer]
    var finalLayerNorm: LayerNorm

    /// The key prefix published SD checkpoints put before every text-model weight.
    public static let textModelPrefix = "text_model"

    /// Builds the model from `config`, reading its weights from `loader`'s scope, with or without the
    /// `text_model.` prefix (whichever holds the token embedding). Leftover tensors are not checked, so a
    /// larger network (e.g. `CLIPTextModelWithProjection`) can load its own parts from the same loader.
    public init(config: CLIPTextConfig, loading loader: WeightLoader) throws {
        try config.validate()
        self.config = config
        usedTextModelPrefix = Self.usesTextModelPrefix(loader)
        let root = usedTextModelPrefix ? loader.scope(Self.textModelPrefix) : loader
        let width = config.hiddenSize
        let embeddings = root.scope("embeddings")
        tokenEmbedding = try embeddings.scope("token_embedding").load("weight", shape: [config.vocabSize, width])
        positionEmbedding = try embeddings.scope("position_embedding").load(
            "weight", shape: [config.maxPositionEmbeddings, width])
        let encoder = root.scope("encoder").scope("layers")
        layers = try (0..<config.numHiddenLayers).map { index in
            try CLIPEncoderLayer(loading: encoder.scope(String(index)), config: config)
        }
        finalLayerNorm = try LayerNorm(
            loading: root.scope("final_layer_norm"), features: width, epsilon: config.layerNormEps)
    }

    /// Builds the model from `config` and every tensor of `weights` (a text_encoder folder's component, or
    /// a single file's CLIP tensors renamed to transformers names): a missing, mis-shaped or unexpected
    /// tensor is an error naming it. The `embeddings.position_ids` buffer old files carry is ignored.
    public init(config: CLIPTextConfig, weights: any TensorStore) throws {
        let loader = WeightLoader(weights)
        try self.init(config: config, loading: loader)
        let buffer = (usedTextModelPrefix ? Self.textModelPrefix + "." : "") + "embeddings.position_ids"
        try loader.checkAllUsed(ignoring: { $0 == buffer })
    }

    /// Whether `loader` holds the text model under `text_model.`: true when the prefixed token embedding is
    /// there and the bare one is not.
    public static func usesTextModelPrefix(_ loader: WeightLoader) -> Bool {
        let name = "embeddings.token_embedding.weight"
        return !loader.contains(name) && loader.scope(textModelPrefix).contains(name)
    }

    /// Encodes every layer: the last hidden state, the pooled output and all hidden states.
    /// - Parameter inputIDs: `B` rows of equal length `L <= max_position_embeddings` (SD: 77).
    public func callAsFunction(_ inputIDs: [[Int32]]) throws -> CLIPTextModelOutput {
        var hidden = try embed(inputIDs)
        var hiddenStates = [hidden]
        hiddenStates.reserveCapacity(layers.count + 1)
        for layer in layers {
            hidden = layer(hidden)
            hiddenStates.append(hidden)
        }
        let last = finalLayerNorm(hidden)
        return CLIPTextModelOutput(
            lastHiddenState: last, pooledOutput: Self.gatherRows(last, at: pooledPositions(inputIDs)),
            hiddenStates: hiddenStates)
    }

    /// The prompt embeddings `[B, L, C]` diffusers' `encode_prompt` computes with `clip_skip` (see the type's
    /// note): `final_layer_norm` of the output of layer `num_hidden_layers - clipSkip`. The layers after it
    /// are not run.
    public func encode(_ inputIDs: [[Int32]], clipSkip: Int = 0) throws -> Tensor {
        guard (0...layers.count).contains(clipSkip) else {
            throw CLIPTextModelError.clipSkipOutOfRange(clipSkip: clipSkip, layers: layers.count)
        }
        var hidden = try embed(inputIDs)
        for layer in layers.prefix(layers.count - clipSkip) { hidden = layer(hidden) }
        return finalLayerNorm(hidden)
    }

    /// The position each row's pooled output is read at, as transformers 5.23 `CLIPTextTransformer` picks it:
    /// with `eos_token_id == 2` (configs written before transformers PR #24773, SD 1.x among them) the first
    /// position of the row's largest id (the end-of-text token has the largest id in CLIP's vocabulary);
    /// otherwise the first position of `eos_token_id` (0 when the row has none, as torch's argmax of zeros).
    /// A list of ids (which transformers cannot compare) matches any of them; none (null) takes the largest id.
    public func pooledPositions(_ inputIDs: [[Int32]]) -> [Int] {
        inputIDs.map { row in
            guard let eos = config.eosTokenIds, eos != [2] else {
                // torch.argmax returns the first of equal maxima.
                guard let largest = row.max() else { return 0 }
                return row.firstIndex(of: largest) ?? 0
            }
            return row.firstIndex { eos.contains(Int($0)) } ?? 0
        }
    }

    /// `CLIPTextEmbeddings`: `token_embedding(ids) + position_embedding(arange(L))`, `[B, L, C]`.
    func embed(_ inputIDs: [[Int32]]) throws -> Tensor {
        guard let length = inputIDs.first?.count, length > 0 else { throw CLIPTextModelError.emptyBatch }
        guard inputIDs.allSatisfy({ $0.count == length }) else {
            throw CLIPTextModelError.raggedBatch(lengths: inputIDs.map(\.count))
        }
        guard length <= config.maxPositionEmbeddings else {
            throw CLIPTextModelError.sequenceTooLong(length: length, maximum: config.maxPositionEmbeddings)
        }
        for (row, ids) in inputIDs.enumerated() {
            if let position = ids.firstIndex(where: { $0 < 0 || Int($0) >= config.vocabSize }) {
                throw CLIPTextModelError.tokenOutOfRange(
                    id: ids[position], row: row, position: position, vocabularySize: config.vocabSize)
            }
        }
        let width = config.hiddenSize
        return Tensor(shape: [inputIDs.count, length, width]) { out in
            tokenEmbedding.withUnsafeBufferPointer { tokens in
                positionEmbedding.withUnsafeBufferPointer { positions in
                    for (row, ids) in inputIDs.enumerated() {
                        for (position, id) in ids.enumerated() {
                            let destination = out.baseAddress! + (row * length + position) * width
                            let token = tokens.baseAddress! + Int(id) * width
                            let place = positions.baseAddress! + position * width
                            for i in 0..<width { destination[i] = token[i] + place[i] }
                        }
                    }
                }
            }
        }
    }

    /// Row `positions[b]` of each batch entry of `x` [B, L, C]: `x[arange(B), positions]`, `[B, C]`.
    static func gatherRows(_ x: Tensor, at positions: [Int]) -> Tensor {
        let (length, width) = (x.shape[1], x.shape[2])
        return Tensor(shape: [positions.count, width]) { out in
            x.withUnsafeBufferPointer { source in
                for (row, position) in positions.enumerated() {
                    let start = (row * length + position) * width
                    for i in 0..<width { out[row * width + i] = source[start + i] }
                }
            }
        }
    }
}
