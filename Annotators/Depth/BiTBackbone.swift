import EaselDiffusion
import EaselTensor

/// transformers' `WeightStandardizedConv2d` with `padding="SAME"`: the weight is standardised per output
/// channel (`batch_norm` over `in * kh * kw` with biased variance and `eps`), once at load time and in
/// Float64; "SAME" is a fixed symmetric padding for stride-1 odd kernels and TensorFlow's dynamic padding
/// (`DynamicPad2d`, the extra pixel on the bottom/right) otherwise.
struct WeightStandardizedConv2D: Sendable {
    var weight: Tensor
    var kernel: Int
    var stride: Int

    init(loading loader: WeightLoader, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1,
         epsilon: Double = 1e-8) throws {
        let raw = try loader.load("weight", shape: [outChannels, inChannels, kernel, kernel])
        let fan = inChannels * kernel * kernel
        var standardised = [Float](repeating: 0, count: raw.count)
        raw.withUnsafeBufferPointer { w in
            for o in 0..<outChannels {
                let row = (0..<fan).map { Double(w[o * fan + $0]) }
                let mean = row.reduce(0, +) / Double(fan)
                let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(fan)
                let scale = 1 / (variance + epsilon).squareRoot()
                for i in 0..<fan { standardised[o * fan + i] = Float((row[i] - mean) * scale) }
            }
        }
        weight = Tensor(shape: raw.shape, scalars: standardised)
        self.kernel = kernel
        self.stride = stride
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        if stride == 1 && kernel % 2 == 1 {
            let p = (kernel - 1) / 2
            return conv2d(x, weight: weight, stride: (1, 1), padding: (p, p))
        }
        return conv2d(samePadded(x, kernel: kernel, stride: stride), weight: weight, stride: (stride, stride))
    }
}

/// `DynamicPad2d`: pads so that a `kernel`/`stride` window covers `ceil(size / stride)` outputs, with the
/// odd pixel on the bottom/right, using `value`.
func samePadded(_ x: Tensor, kernel: Int, stride: Int, value: Float = 0) -> Tensor {
    func amount(_ size: Int) -> Int { max(((size + stride - 1) / stride - 1) * stride + kernel - size, 0) }
    let (h, w) = (amount(x.shape[2]), amount(x.shape[3]))
    guard h > 0 || w > 0 else { return x }
    return pad(x, left: w / 2, right: w - w / 2, top: h / 2, bottom: h - h / 2, mode: .constant(value))
}

/// `BitGroupNormActivation`: GroupNorm (eps 1e-5), then ReLU unless `activation` is false.
struct BitGroupNormActivation: Sendable {
    var norm: GroupNorm
    var activation: Bool

    init(loading loader: WeightLoader, groups: Int, channels: Int, activation: Bool = true) throws {
        norm = try GroupNorm(loading: loader, groups: groups, channels: channels, epsilon: 1e-5)
        self.activation = activation
    }

    func callAsFunction(_ x: Tensor) -> Tensor { activation ? relu(norm(x)) : norm(x) }
}

/// `BitBottleneckLayer` (non-pre-activation, as DPT-hybrid's BiT): 1x1, 3x3 (strided), 1x1 convolutions with
/// GroupNorm, a projected shortcut on the first layer of a stage, ReLU after the sum.
struct BitBottleneckLayer: Sendable {
    var downsample: (conv: WeightStandardizedConv2D, norm: BitGroupNormActivation)?
    var conv1: WeightStandardizedConv2D, norm1: BitGroupNormActivation
    var conv2: WeightStandardizedConv2D, norm2: BitGroupNormActivation
    var conv3: WeightStandardizedConv2D, norm3: BitGroupNormActivation

    init(loading loader: WeightLoader, groups: Int, inChannels: Int, outChannels: Int, stride: Int,
         first: Bool) throws {
        let mid = makeDivisible(Double(outChannels) * 0.25)
        if first {
            let scope = loader.scope("downsample")
            downsample = (
                try WeightStandardizedConv2D(loading: scope.scope("conv"), inChannels: inChannels,
                                             outChannels: outChannels, kernel: 1, stride: stride),
                try BitGroupNormActivation(loading: scope.scope("norm"), groups: groups, channels: outChannels,
                                           activation: false))
        }
        conv1 = try WeightStandardizedConv2D(loading: loader.scope("conv1"), inChannels: inChannels, outChannels: mid, kernel: 1)
        norm1 = try BitGroupNormActivation(loading: loader.scope("norm1"), groups: groups, channels: mid)
        conv2 = try WeightStandardizedConv2D(loading: loader.scope("conv2"), inChannels: mid, outChannels: mid, kernel: 3,
                                             stride: stride)
        norm2 = try BitGroupNormActivation(loading: loader.scope("norm2"), groups: groups, channels: mid)
        conv3 = try WeightStandardizedConv2D(loading: loader.scope("conv3"), inChannels: mid, outChannels: outChannels, kernel: 1)
        norm3 = try BitGroupNormActivation(loading: loader.scope("norm3"), groups: groups, channels: outChannels,
                                           activation: false)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let shortcut = downsample.map { $0.norm($0.conv(x)) } ?? x
        var h = norm3(conv3(norm2(conv2(norm1(conv1(x))))))
        h += shortcut
        return relu(h)
    }
}

/// timm's `make_div` (transformers `make_div`): rounds to a multiple of 8, at least 8, not below 90%.
func makeDivisible(_ value: Double, divisor: Int = 8) -> Int {
    var result = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
    if Double(result) < 0.9 * value { result += divisor }
    return result
}

/// transformers' `BitBackbone` in DPT-hybrid's configuration: the stem (7x7/2 standardised convolution,
/// GroupNorm + ReLU, 3x3/2 max pool with dynamic zero padding) and three stages of bottleneck layers (strides
/// 1, 2, 2). Returns the three stage outputs (strides 4, 8, 16).
struct BitBackbone: Sendable {
    var stem: WeightStandardizedConv2D
    var stemNorm: BitGroupNormActivation
    var dynamicPool: Bool
    var stages: [[BitBottleneckLayer]]

    /// Loads from the `bit` scope (`embedder.*`, `encoder.stages.*`).
    init(loading loader: WeightLoader, config: BitConfig) throws {
        try config.validate()
        let groups = config.numGroups
        stem = try WeightStandardizedConv2D(
            loading: loader.scope("embedder").scope("convolution"), inChannels: config.numChannels,
            outChannels: config.embeddingSize, kernel: 7, stride: 2)
        stemNorm = try BitGroupNormActivation(loading: loader.scope("embedder").scope("norm"), groups: groups,
                                              channels: config.embeddingSize)
        dynamicPool = config.embeddingDynamicPadding
        var channels = config.embeddingSize
        var stages: [[BitBottleneckLayer]] = []
        for (index, depth) in config.depths.enumerated() {
            let out = makeDivisible(Double(config.hiddenSizes[index] * config.widthFactor))
            let scope = loader.scope("encoder").scope("stages").scope(String(index)).scope("layers")
            var stage: [BitBottleneckLayer] = []
            for layer in 0..<depth {
                let first = layer == 0
                let stride = first && index > 0 ? 2 : 1
                stage.append(try BitBottleneckLayer(
                    loading: scope.scope(String(layer)), groups: groups, inChannels: first ? channels : out,
                    outChannels: out, stride: stride, first: first))
            }
            stages.append(stage)
            channels = out
        }
        self.stages = stages
    }

    /// The output channels of each stage.
    var stageChannels: [Int] { stages.map { $0[0].norm3.norm.weight.count } }

    func callAsFunction(_ pixels: Tensor) -> [Tensor] {
        var x = stemNorm(stem(pixels))
        // BitMaxPool2d: with dynamic padding the pad value is 0 (harmless after ReLU); without, torch's
        // MaxPool2d(3, 2) with no padding.
        if dynamicPool { x = samePadded(x, kernel: 3, stride: 2) }
        x = maxPool2d(x, kernel: 3, stride: 2)
        var outputs: [Tensor] = []
        for stage in stages {
            for layer in stage { x = layer(x) }
            outputs.append(x)
        }
        return outputs
    }
}
