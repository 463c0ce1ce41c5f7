import EaselDiffusion
import EaselTensor

/// transformers' `DPTReassembleLayer` / `DepthAnythingReassembleLayer`: a 1x1 projection to the stage's
/// channels, then resizing by `factor` (4 or 2: transposed convolution with kernel = stride = factor; 1: none;
/// 0.5: 3x3 convolution with stride 2).
struct DPTReassembleLayer: Sendable {
    var projection: Conv2D
    var upsample: (weight: Tensor, bias: Tensor, factor: Int)?
    var downsample: Conv2D?

    init(loading loader: WeightLoader, inChannels: Int, channels: Int, factor: Double) throws {
        projection = try Conv2D(loading: loader.scope("projection"), inChannels: inChannels, outChannels: channels, kernel: 1)
        let resize = loader.scope("resize")
        if factor > 1 {
            let f = Int(factor)
            upsample = (try resize.load("weight", shape: [channels, channels, f, f]),
                        try resize.load("bias", shape: [channels]), f)
        } else if factor < 1 {
            downsample = try Conv2D(loading: resize, inChannels: channels, outChannels: channels, kernel: 3,
                                    stride: Int((1 / factor).rounded()), padding: 1)
        }
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let projected = projection(x)
        if let upsample {
            return convTranspose2d(projected, weight: upsample.weight, bias: upsample.bias,
                                   stride: (upsample.factor, upsample.factor))
        }
        if let downsample { return downsample(projected) }
        return projected
    }
}

/// `DPTPreActResidualLayer` (without batch norm): `x + conv2(relu(conv1(relu(x))))`.
struct DPTPreActResidualLayer: Sendable {
    var convolution1: Conv2D, convolution2: Conv2D

    init(loading loader: WeightLoader, channels: Int, bias: Bool) throws {
        convolution1 = try Conv2D(loading: loader.scope("convolution1"), inChannels: channels, outChannels: channels,
                                  kernel: 3, padding: 1, bias: bias)
        convolution2 = try Conv2D(loading: loader.scope("convolution2"), inChannels: channels, outChannels: channels,
                                  kernel: 3, padding: 1, bias: bias)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var out = convolution2(relu(convolution1(relu(x))))
        out += x
        return out
    }
}

/// `DPTFeatureFusionLayer` / `DepthAnythingFeatureFusionLayer`: adds the residual unit of the skip feature
/// (resized bilinearly to the running feature first when they differ), a second residual unit, a bilinear
/// (align_corners) upsampling by 2 or to a given size, and a 1x1 projection.
struct DPTFeatureFusionLayer: Sendable {
    var residual1: DPTPreActResidualLayer, residual2: DPTPreActResidualLayer, projection: Conv2D

    init(loading loader: WeightLoader, channels: Int, bias: Bool) throws {
        residual1 = try DPTPreActResidualLayer(loading: loader.scope("residual_layer1"), channels: channels, bias: bias)
        residual2 = try DPTPreActResidualLayer(loading: loader.scope("residual_layer2"), channels: channels, bias: bias)
        projection = try Conv2D(loading: loader.scope("projection"), inChannels: channels, outChannels: channels, kernel: 1)
    }

    func callAsFunction(_ hidden: Tensor, residual: Tensor?, size: (height: Int, width: Int)?) -> Tensor {
        var x = hidden
        if var skip = residual {
            if skip.shape != x.shape {
                skip = interpolate(skip, size: (x.shape[2], x.shape[3]), mode: .bilinear, alignCorners: false)
            }
            x += residual1(skip)
        }
        x = residual2(x)
        if let size {
            x = interpolate(x, size: size, mode: .bilinear, alignCorners: true)
        } else {
            x = interpolate(x, scaleFactor: 2, mode: .bilinear, alignCorners: true)
        }
        return projection(x)
    }
}

/// The part of `DPTNeck` / `DepthAnythingNeck` after reassembling: a 3x3 convolution (no bias) per stage to
/// `fusion_hidden_size`, then the fusion stage from the deepest feature up. Returns the last fused feature
/// (what the depth head reads with `head_in_index = -1`).
struct DPTFusionNeck: Sendable {
    var convs: [Conv2D]
    var fusion: [DPTFeatureFusionLayer]
    /// Depth Anything upsamples each fused feature to the next stage's size, DPT by exactly 2.
    var upsampleToNextSize: Bool

    /// Loads `convs.i` and `fusion_stage.layers.i` from the neck's scope.
    init(loading loader: WeightLoader, stageChannels: [Int], fusionChannels: Int, residualBias: Bool,
         upsampleToNextSize: Bool) throws {
        convs = try stageChannels.enumerated().map { index, channels in
            try Conv2D(loading: loader.scope("convs").scope(String(index)), inChannels: channels,
                       outChannels: fusionChannels, kernel: 3, padding: 1, bias: false)
        }
        fusion = try stageChannels.indices.map { index in
            try DPTFeatureFusionLayer(loading: loader.scope("fusion_stage").scope("layers").scope(String(index)),
                                      channels: fusionChannels, bias: residualBias)
        }
        self.upsampleToNextSize = upsampleToNextSize
    }

    func callAsFunction(_ stages: [Tensor]) -> Tensor {
        // Deepest first; the configurations are validated to have at least one stage.
        let features = Array(zip(convs, stages).map { conv, x in conv(x) }.reversed())
        func size(after index: Int) -> (height: Int, width: Int)? {
            guard upsampleToNextSize, index + 1 < features.count else { return nil }
            return (features[index + 1].shape[2], features[index + 1].shape[3])
        }
        var fused = fusion[0](features[0], residual: nil, size: size(after: 0))
        for index in features.indices.dropFirst() {
            fused = fusion[index](fused, residual: features[index], size: size(after: index))
        }
        return fused
    }
}
