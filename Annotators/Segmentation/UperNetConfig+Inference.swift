import EaselDiffusion

extension UperNetConfig {
    /// The configuration a weight file implies, for a checkpoint without its config.json: stage widths,
    /// depths, patch size, layer scale and returned stages from the backbone's tensors, head width and class
    /// count from the classifier. The pooling scales cannot be read from weights: four pyramid modules are
    /// taken to be UperNet's (1, 2, 3, 6), the only setting transformers' and mmsegmentation's models use;
    /// any other count needs the config.json.
    public init(inferredFrom weights: any TensorStore) throws {
        let loader = WeightLoader(weights)
        let backbone = loader.scope("backbone")
        let stem = try Self.requiredShape(backbone.scope("embeddings.patch_embeddings"), "weight", rank: 4)
        var config = ConvNextConfig()
        config.numChannels = stem[1]
        config.patchSize = stem[2]
        let stages = backbone.scope("encoder.stages")
        var sizes = [stem[0]], depths: [Int] = []
        while true {
            let stage = stages.scope(String(depths.count))
            if depths.count > 0 {
                guard let conv = stage.shape(of: "downsampling_layer.1.weight"), conv.count == 4 else { break }
                sizes.append(conv[0])
            } else if !stage.contains("layers.0.dwconv.weight") {
                break
            }
            var depth = 0
            while stage.contains("layers.\(depth).dwconv.weight") { depth += 1 }
            depths.append(depth)
        }
        guard !depths.isEmpty else {
            throw WeightError.missing(name: "backbone.encoder.stages.0.layers.0.dwconv.weight", expectedShape: nil)
        }
        config.hiddenSizes = Array(sizes.prefix(depths.count))
        config.depths = depths
        config.layerScaleInitValue = stages.contains("0.layers.0.layer_scale_parameter") ? 1e-6 : 0
        config.outFeatures = (1...depths.count).map { "stage\($0)" }.filter {
            backbone.contains("hidden_states_norms.\($0).weight")
        }
        self.init(backboneConfig: config)
        let classifier = try Self.requiredShape(loader.scope("decode_head.classifier"), "weight", rank: 4)
        numLabels = classifier[0]
        hiddenSize = classifier[1]
        var pools = 0
        while loader.contains("decode_head.psp_modules.\(pools).1.conv.weight") { pools += 1 }
        guard pools == 4 else {
            throw WeightError.invalidConfiguration(
                "the weights have \(pools) pyramid pooling modules; without config.json only UperNet's 4 (scales 1, 2, 3, 6) are known")
        }
        poolScales = [1, 2, 3, 6]
    }

    private static func requiredShape(_ loader: WeightLoader, _ name: String, rank: Int) throws -> [Int] {
        guard let shape = loader.shape(of: name) else {
            throw WeightError.missing(name: loader.prefix + name, expectedShape: nil)
        }
        guard shape.count == rank else {
            throw WeightError.invalidConfiguration("tensor '\(loader.prefix + name)' has shape \(shape), expected rank \(rank)")
        }
        return shape
    }
}
