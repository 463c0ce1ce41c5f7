extension CLIPTextConfig {
    /// A configuration read off the shapes of transformers-named text-model weights (with or without the
    /// `text_model.` prefix), for single-file checkpoints that carry no `config.json` (their CLIP keys mapped
    /// from `cond_stage_model.transformer.`).
    ///
    /// Shapes give the vocabulary, width, positions, depth and MLP width. They cannot give the number of
    /// heads or the activation: `headDimension` (64 in every OpenAI and OpenCLIP text model SD uses: ViT-L/14
    /// 768 / 12, ViT-H/14 1024 / 16, ViT-bigG/14 1280 / 20) and `hiddenAct` ("quick_gelu" for SD 1.x's
    /// OpenAI CLIP) supply them. Token ids and the layer-norm epsilon are SD 1.x's text_encoder/config.json
    /// values (bos 0, eos 2, pad 1, eps 1e-5).
    public init(inferringFrom weights: any TensorStore, headDimension: Int = 64, hiddenAct: String = "quick_gelu") throws {
        let bare = "embeddings.token_embedding.weight"
        let prefix = weights.shape(of: bare) == nil && weights.shape(of: "text_model." + bare) != nil ? "text_model." : ""
        func shape(_ name: String, rank: Int) throws -> [Int] {
            guard let shape = weights.shape(of: prefix + name) else {
                throw WeightError.missing(name: prefix + name, expectedShape: nil)
            }
            guard shape.count == rank else {
                throw WeightError.invalidConfiguration("tensor '\(prefix + name)' has shape \(shape), expected \(rank) axes")
            }
            return shape
        }
        let tokens = try shape(bare, rank: 2)
        let positions = try shape("embeddings.position_embedding.weight", rank: 2)
        let layerPrefix = prefix + "encoder.layers."
        let layerIndices = Set(weights.tensorNames.compactMap { name -> Int? in
            guard name.hasPrefix(layerPrefix) else { return nil }
            return Int(name.dropFirst(layerPrefix.count).prefix { $0 != "." })
        })
        let layerCount = (layerIndices.max() ?? -1) + 1
        guard layerIndices.count == layerCount else {
            throw WeightError.invalidConfiguration(
                "text encoder layers are not numbered 0..<\(layerCount): \(layerIndices.sorted())")
        }
        let width = tokens[1]
        guard headDimension > 0, width % headDimension == 0 else {
            throw WeightError.invalidConfiguration("width \(width) does not split into heads of \(headDimension)")
        }

        self.init()
        vocabSize = tokens[0]
        hiddenSize = width
        maxPositionEmbeddings = positions[0]
        numHiddenLayers = layerCount
        numAttentionHeads = width / headDimension
        intermediateSize = layerCount > 0 ? try shape("encoder.layers.0.mlp.fc1.weight", rank: 2)[0] : 4 * width
        projectionDim = width
        self.hiddenAct = hiddenAct
        layerNormEps = 1e-5
        bosTokenId = 0
        eosTokenIds = [2]
        padTokenId = 1
        try validate()
    }
}
