/// The architecture of the text encoder in a single file (SD 1.x `cond_stage_model.transformer.*`, SD 2.x
/// `cond_stage_model.model.*`), read from its converted tensor shapes, named as in transformers' `CLIPTextConfig`.
///
/// Not in the weights: `numAttentionHeads` (taken as hidden / 64, the CLIP convention: 12 heads at 768 for
/// SD 1.x's ViT-L/14 text tower, 16 at 1024 for SD 2.x's OpenCLIP ViT-H) and `hiddenAct` (by layout).
public struct InferredCLIPTextShape: Sendable, Equatable {
    /// `vocab_size` (49408).
    public var vocabSize: Int
    /// `hidden_size` (768).
    public var hiddenSize: Int
    /// `intermediate_size` (3072).
    public var intermediateSize: Int
    /// `num_hidden_layers` (12).
    public var numHiddenLayers: Int
    /// `max_position_embeddings` (77).
    public var maxPositionEmbeddings: Int
    /// `num_attention_heads`: not inferable; hidden / 64 (the SD 1.x value, 12).
    public var numAttentionHeads: Int
    /// `hidden_act`: `quick_gelu` for OpenAI CLIP (SD 1.x), `gelu` for OpenCLIP (SD 2.x).
    public var hiddenAct: String

    /// Reads the shapes from converted (diffusers/transformers-named, `text_model.`-prefixed) tensors.
    init(_ store: any TensorStore, hiddenAct: String) throws {
        self.hiddenAct = hiddenAct
        func extent(_ name: String, _ axis: Int) throws -> Int {
            guard let shape = store.shape(of: "text_model." + name), axis < shape.count else {
                throw WeightError.missing(name: "text_model." + name, expectedShape: nil)
            }
            return shape[axis]
        }
        vocabSize = try extent("embeddings.token_embedding.weight", 0)
        hiddenSize = try extent("embeddings.token_embedding.weight", 1)
        maxPositionEmbeddings = try extent("embeddings.position_embedding.weight", 0)
        intermediateSize = try extent("encoder.layers.0.mlp.fc1.weight", 0)
        let tensors = ComponentTensors(base: store, prefix: "text_model.", names: store.tensorNames)
        let layers = tensors.indices(under: "encoder.layers.")
        guard layers == Array(0..<layers.count) else {
            throw WeightError.invalidConfiguration("text encoder layers \(layers) are not numbered 0..<n")
        }
        numHiddenLayers = layers.count
        numAttentionHeads = max(hiddenSize / 64, 1)
    }
}
