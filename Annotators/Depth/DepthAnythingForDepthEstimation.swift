import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import Foundation

/// transformers' `DepthAnythingForDepthEstimation` (Depth Anything v1 and v2, the `*-hf` layouts): a Dinov2
/// backbone whose selected layers (after its final LayerNorm) are reassembled into four feature maps, DPT's
/// fusion stage (each fused map resized to the next stage's size) and the depth head, upsampled to
/// `14 x` the patch grid. Output `[B, H, W]`: relative inverse depth (ReLU head) or metric depth
/// (sigmoid times `max_depth`).
public struct DepthAnythingForDepthEstimation: Sendable {
    public let config: DepthAnythingConfig
    var patchEmbedding: Conv2D
    var classToken: Tensor
    var positionEmbeddings: Tensor
    var layers: [Dinov2Layer]
    var layerNorm: LayerNorm
    var reassemble: [DPTReassembleLayer]
    var neck: DPTFusionNeck
    var conv1: Conv2D, conv2: Conv2D, conv3: Conv2D

    /// Builds the model from `config` and every tensor of `weights` (transformers names); the unused
    /// `backbone.embeddings.mask_token` may be present.
    public init(config: DepthAnythingConfig, weights: any TensorStore) throws {
        try config.validate()
        self.config = config
        let loader = WeightLoader(weights)
        let dino = config.backbone, width = dino.hiddenSize
        let embeddings = loader.scope("backbone").scope("embeddings")
        patchEmbedding = try Conv2D(loading: embeddings.scope("patch_embeddings").scope("projection"),
                                    inChannels: dino.numChannels, outChannels: width, kernel: dino.patchSize,
                                    stride: dino.patchSize)
        classToken = try embeddings.load("cls_token", shape: [1, 1, width])
        let grid = dino.imageSize / dino.patchSize
        positionEmbeddings = try embeddings.load("position_embeddings", shape: [1, 1 + grid * grid, width])
        layers = try (0..<dino.numHiddenLayers).map { index in
            try Dinov2Layer(loading: loader.scope("backbone").scope("encoder").scope("layer").scope(String(index)),
                            config: dino)
        }
        layerNorm = try LayerNorm(loading: loader.scope("backbone").scope("layernorm"), features: width,
                                  epsilon: Float(dino.layerNormEps))
        let neckScope = loader.scope("neck")
        reassemble = try config.neckHiddenSizes.enumerated().map { index, channels in
            try DPTReassembleLayer(loading: neckScope.scope("reassemble_stage").scope("layers").scope(String(index)),
                                   inChannels: config.reassembleHiddenSize, channels: channels,
                                   factor: config.reassembleFactors[index])
        }
        neck = try DPTFusionNeck(loading: neckScope, stageChannels: config.neckHiddenSizes,
                                 fusionChannels: config.fusionHiddenSize, residualBias: true, upsampleToNextSize: true)
        let head = loader.scope("head"), features = config.fusionHiddenSize
        conv1 = try Conv2D(loading: head.scope("conv1"), inChannels: features, outChannels: features / 2, kernel: 3, padding: 1)
        conv2 = try Conv2D(loading: head.scope("conv2"), inChannels: features / 2, outChannels: config.headHiddenSize,
                           kernel: 3, padding: 1)
        conv3 = try Conv2D(loading: head.scope("conv3"), inChannels: config.headHiddenSize, outChannels: 1, kernel: 1)
        try loader.checkAllUsed(ignoring: { $0 == "backbone.embeddings.mask_token" })
    }

    /// Loads a model folder (`config.json` + `model.safetensors`, e.g. LiheYoung/depth-anything-small-hf or
    /// depth-anything/Depth-Anything-V2-Small-hf).
    public init(contentsOf url: URL) throws {
        let source = try ComponentFolder(url, network: "Depth Anything model")
        try self.init(config: DepthAnythingConfig(contentsOf: source.configURL), weights: source.weights)
    }

    /// The predicted depth `[B, H, W]` for normalised `pixels` `[B, 3, H, W]` (ImageNet mean and std), whose
    /// sides are multiples of `patch_size` (14).
    public func callAsFunction(_ pixels: Tensor) throws -> Tensor {
        let patch = config.patchSize
        guard pixels.rank == 4, pixels.shape[1] == config.backbone.numChannels,
              pixels.shape[2] >= patch, pixels.shape[3] >= patch else {
            throw DepthModelError.badInput(
                "Depth Anything expects [B, \(config.backbone.numChannels), H, W] with H, W >= \(patch), got \(pixels.shape)")
        }
        let (height, width) = (pixels.shape[2], pixels.shape[3])
        let (gridHeight, gridWidth) = (height / patch, width / patch)
        var tokens = imageToTokens(patchEmbedding(pixels))
        let batch = tokens.shape[0]
        tokens = concat([repeatRows(classToken, batch), tokens], axis: 1)
        // Dinov2Embeddings.interpolate_pos_encoding keeps the table when the patch count matches and the
        // image is square, and otherwise resizes the grid bicubically (in float32).
        if tokens.shape[1] == positionEmbeddings.shape[1] && height == width {
            tokens += positionEmbeddings
        } else {
            tokens += resizedPositionEmbeddings(positionEmbeddings, height: gridHeight, width: gridWidth, mode: .bicubic)
        }
        var hiddenStates = [tokens]
        for layer in layers {
            tokens = layer(tokens)
            hiddenStates.append(tokens)
        }
        let features = zip(config.backbone.outIndices, reassemble).map { index, layer in
            layer(tokensToImage(layerNorm(hiddenStates[index]), height: gridHeight, width: gridWidth))
        }
        var x = conv1(neck(features))
        x = interpolate(x, size: (gridHeight * patch, gridWidth * patch), mode: .bilinear, alignCorners: true)
        x = conv3(relu(conv2(x)))
        if config.depthEstimationType == "metric" {
            x = sigmoid(x) * Float(config.maxDepth)
        } else {
            x = relu(x) * Float(config.maxDepth)
        }
        return x.reshaped([batch, x.shape[2], x.shape[3]])
    }
}
