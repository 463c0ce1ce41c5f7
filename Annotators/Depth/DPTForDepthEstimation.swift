import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import Foundation

/// transformers' `DPTForDepthEstimation` in its two ViT layouts:
/// - DPT-hybrid (`is_hybrid: true`, Intel/dpt-hybrid-midas, the MiDaS v3 DPT-Hybrid that ControlNet's depth
///   annotator runs): a BiT ResNet stem, a ViT over its stride-16 features, the reassemble stage (BiT stages
///   1-2 as they are, two ViT layers read out with the class token);
/// - plain ViT (Intel/dpt-large): patch embeddings, four ViT layers read out and reassembled;
/// both with the "project" readout of the class token, which every published DPT depth model uses;
/// then the fusion stage and the depth head. Output: relative inverse depth `[B, H, W]` (larger is nearer).
///
/// Unlike transformers, which reshapes tokens to a square grid, any input whose sides are multiples of
/// `patch_size` runs: the position embeddings are resized bilinearly to the patch grid, as MiDaS's own
/// `forward_flex` does (transformers resizes them the same way for square inputs).
public struct DPTForDepthEstimation: Sendable {
    public let config: DPTConfig
    /// The hybrid's BiT and the 1x1 projection of its last stage, or the plain ViT's patch embedding.
    var backbone: BitBackbone?
    var projection: Conv2D
    var classToken: Tensor
    /// `[1, 1 + n*n, C]`.
    var positionEmbeddings: Tensor
    var layers: [DPTViTLayer]
    /// The encoder outputs read out and reassembled: the last two (hybrid) or all four.
    var readoutStages: [Int]
    var readouts: [Linear]
    var reassemble: [DPTReassembleLayer]
    var neck: DPTFusionNeck
    var head: (Conv2D, Conv2D, Conv2D)

    /// Builds the model from `config` and every tensor of `weights` (transformers names): a missing,
    /// mis-shaped or unused tensor is an error naming it (the pooler-free model's final `dpt.layernorm`,
    /// which the depth path does not read, may be present).
    public init(config: DPTConfig, weights: any TensorStore) throws {
        try config.validate()
        self.config = config
        let loader = WeightLoader(weights)
        let width = config.hiddenSize
        let embeddings = loader.scope("dpt").scope("embeddings")
        if config.isHybrid, let bit = config.backboneConfig {
            let backbone = try BitBackbone(loading: embeddings.scope("backbone").scope("bit"), config: bit)
            let featureChannels = config.backboneFeatmapShape?.dropFirst().first ?? backbone.stageChannels[2]
            projection = try Conv2D(loading: embeddings.scope("projection"), inChannels: featureChannels,
                                    outChannels: width, kernel: 1)
            let stageChannels = backbone.stageChannels
            guard Array(config.neckHiddenSizes.prefix(2)) == Array(stageChannels.prefix(2)) else {
                throw WeightError.invalidConfiguration(
                    "DPT: neck_hidden_sizes \(config.neckHiddenSizes) must start with the BiT stage widths \(stageChannels)")
            }
            self.backbone = backbone
            readoutStages = [2, 3]
        } else {
            projection = try Conv2D(loading: embeddings.scope("patch_embeddings").scope("projection"),
                                    inChannels: config.numChannels, outChannels: width, kernel: config.patchSize,
                                    stride: config.patchSize)
            backbone = nil
            readoutStages = [0, 1, 2, 3]
        }
        classToken = try embeddings.load("cls_token", shape: [1, 1, width])
        let grid = config.imageSize / config.patchSize
        positionEmbeddings = try embeddings.load("position_embeddings", shape: [1, 1 + grid * grid, width])
        layers = try (0..<config.numHiddenLayers).map { index in
            try DPTViTLayer(loading: loader.scope("dpt").scope("encoder").scope("layer").scope(String(index)),
                            config: config)
        }
        let neckScope = loader.scope("neck")
        let stage = neckScope.scope("reassemble_stage")
        readouts = try readoutStages.map { index in
            try Linear(loading: stage.scope("readout_projects").scope(String(index)).scope("0"),
                       inFeatures: 2 * width, outFeatures: width)
        }
        reassemble = try readoutStages.map { index in
            try DPTReassembleLayer(loading: stage.scope("layers").scope(String(index)), inChannels: width,
                                   channels: config.neckHiddenSizes[index], factor: config.reassembleFactors[index])
        }
        neck = try DPTFusionNeck(loading: neckScope, stageChannels: config.neckHiddenSizes,
                                 fusionChannels: config.fusionHiddenSize,
                                 residualBias: config.useBiasInFusionResidual ?? true, upsampleToNextSize: false)
        let headScope = loader.scope("head").scope("head")
        let features = config.fusionHiddenSize
        head = (
            try Conv2D(loading: headScope.scope("0"), inChannels: features, outChannels: features / 2, kernel: 3, padding: 1),
            try Conv2D(loading: headScope.scope("2"), inChannels: features / 2, outChannels: 32, kernel: 3, padding: 1),
            try Conv2D(loading: headScope.scope("4"), inChannels: 32, outChannels: 1, kernel: 1))
        try loader.checkAllUsed(ignoring: { $0.hasPrefix("dpt.layernorm.") })
    }

    /// Loads a model folder (`config.json` + `model.safetensors`, e.g. a download of Intel/dpt-hybrid-midas).
    public init(contentsOf url: URL) throws {
        let source = try ComponentFolder(url, network: "DPT depth model")
        try self.init(config: DPTConfig(contentsOf: source.configURL), weights: source.weights)
    }

    /// The predicted depth `[B, H, W]` for `pixels` `[B, 3, H, W]` (already normalised; MiDaS: `x/127.5 - 1`).
    /// Throws when a side is not a multiple of `patch_size`.
    public func callAsFunction(_ pixels: Tensor) throws -> Tensor {
        let patch = config.patchSize
        guard pixels.rank == 4, pixels.shape[1] == config.numChannels,
              pixels.shape[2] % patch == 0, pixels.shape[3] % patch == 0, pixels.shape[2] > 0, pixels.shape[3] > 0 else {
            throw DepthModelError.badInput(
                "DPT expects [B, \(config.numChannels), H, W] with H and W multiples of \(patch), got \(pixels.shape)")
        }
        let (gridHeight, gridWidth) = (pixels.shape[2] / patch, pixels.shape[3] / patch)
        let stages = backbone.map { $0(pixels) } ?? []
        var tokens = imageToTokens(projection(stages.last ?? pixels))
        let batch = tokens.shape[0]
        tokens = concat([repeatRows(classToken, batch), tokens], axis: 1)
        tokens += resizedPositionEmbeddings(positionEmbeddings, height: gridHeight, width: gridWidth, mode: .bilinear)

        // The outputs of every layer; `backbone_out_indices` are validated to lie among them.
        var hiddenStates: [Tensor] = []
        for layer in layers {
            tokens = layer(tokens)
            hiddenStates.append(tokens)
        }
        var features = Array(stages.prefix(2))
        for (slot, index) in config.backboneOutIndices.suffix(readoutStages.count).enumerated() {
            features.append(reassemble[slot](readOut(hiddenStates[index], slot: slot, height: gridHeight, width: gridWidth)))
        }
        var x = head.0(neck(features))
        x = interpolate(x, scaleFactor: 2, mode: .bilinear, alignCorners: true)
        x = relu(head.2(relu(head.1(x))))
        return x.reshaped([batch, x.shape[2], x.shape[3]])
    }
}

extension DPTForDepthEstimation {
    /// `DPTReassembleStage`'s "project" readout of tokens `[B, 1 + h*w, C]` as an image `[B, C, h, w]`:
    /// `gelu(Linear(cat(patch, cls)))` for every patch token.
    func readOut(_ tokens: Tensor, slot: Int, height: Int, width: Int) -> Tensor {
        let (batch, channels) = (tokens.shape[0], tokens.shape[2])
        let read = gelu(readouts[slot](readoutConcat(tokens)))
        return permute(read, [0, 2, 1]).reshaped([batch, channels, height, width])
    }
}

/// `cat(patches, cls.expand_as(patches), -1)` for tokens `[B, 1 + N, C]` (class token first): `[B, N, 2C]`,
/// the input of DPT's readout projection.
func readoutConcat(_ tokens: Tensor) -> Tensor {
    let (batch, count, channels) = (tokens.shape[0], tokens.shape[1], tokens.shape[2])
    return Tensor(shape: [batch, count - 1, 2 * channels]) { out in
        tokens.withUnsafeBufferPointer { t in
            for b in 0..<batch {
                let cls = b * count * channels
                for n in 1..<count {
                    let source = (b * count + n) * channels
                    let target = (b * (count - 1) + n - 1) * 2 * channels
                    for c in 0..<channels {
                        out[target + c] = t[source + c]
                        out[target + channels + c] = t[cls + c]
                    }
                }
            }
        }
    }
}

/// `x.expand(batch, -1, -1)` for `[1, L, C]`.
func repeatRows(_ x: Tensor, _ batch: Int) -> Tensor {
    batch == 1 ? x : concat(Array(repeating: x, count: batch), axis: 0)
}

/// Why a depth network could not run.
public enum DepthModelError: Error, Equatable, CustomStringConvertible {
    case badInput(String)

    public var description: String {
        switch self {
        case .badInput(let message): message
        }
    }
}
