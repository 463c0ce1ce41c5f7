import EaselDiffusion
import EaselTensor

/// transformers' `UperNetHead` (mmsegmentation's `UPerHead`): a pyramid pooling module on the coarsest feature
/// map (adaptive average pools at `pool_scales`, each a 1x1 conv module, upsampled back bilinearly and
/// concatenated with the map, then a 3x3 bottleneck), an FPN (1x1 lateral conv modules, top-down bilinear
/// upsampling and addition, 3x3 conv modules), every level upsampled to the finest and concatenated, a 3x3
/// `fpn_bottleneck` and a 1x1 classifier. All resizes are bilinear with align_corners=False.
struct UperNetHead: Sendable {
    var poolScales: [Int]
    /// `psp_modules.{i}.1`: the conv module after the pool of scale `poolScales[i]`.
    var poolConvs: [UperNetConvModule]
    var bottleneck: UperNetConvModule
    var lateralConvs: [UperNetConvModule]
    var fpnConvs: [UperNetConvModule]
    var fpnBottleneck: UperNetConvModule
    var classifier: Conv2D

    /// Loads `decode_head.` for feature maps of `inChannels` channels (finest first).
    init(loading loader: WeightLoader, inChannels: [Int], channels: Int, poolScales: [Int], numLabels: Int) throws {
        self.poolScales = poolScales
        let top = inChannels[inChannels.count - 1]
        poolConvs = try poolScales.indices.map { i in
            try UperNetConvModule(
                loading: loader.scope("psp_modules").scope(String(i)).scope("1"), inChannels: top,
                outChannels: channels, kernel: 1)
        }
        bottleneck = try UperNetConvModule(
            loading: loader.scope("bottleneck"), inChannels: top + poolScales.count * channels,
            outChannels: channels, kernel: 3, padding: 1)
        lateralConvs = try inChannels.dropLast().enumerated().map { i, c in
            try UperNetConvModule(
                loading: loader.scope("lateral_convs").scope(String(i)), inChannels: c, outChannels: channels, kernel: 1)
        }
        fpnConvs = try (0..<(inChannels.count - 1)).map { i in
            try UperNetConvModule(
                loading: loader.scope("fpn_convs").scope(String(i)), inChannels: channels, outChannels: channels,
                kernel: 3, padding: 1)
        }
        fpnBottleneck = try UperNetConvModule(
            loading: loader.scope("fpn_bottleneck"), inChannels: inChannels.count * channels, outChannels: channels,
            kernel: 3, padding: 1)
        classifier = try Conv2D(loading: loader.scope("classifier"), inChannels: channels, outChannels: numLabels, kernel: 1)
    }

    /// Class logits `[N, num_labels, H_0, W_0]` at the finest feature map's size.
    func callAsFunction(_ features: [Tensor]) -> Tensor {
        var laterals = zip(lateralConvs, features).map { conv, feature in conv(feature) }
        laterals.append(pyramidPooling(features[features.count - 1]))
        for i in stride(from: laterals.count - 1, to: 0, by: -1) {
            laterals[i - 1] = laterals[i - 1] + resized(laterals[i], like: laterals[i - 1])
        }
        var outputs = zip(fpnConvs, laterals).map { conv, lateral in conv(lateral) }
        outputs.append(laterals[laterals.count - 1])
        for i in 1..<outputs.count { outputs[i] = resized(outputs[i], like: outputs[0]) }
        return classifier(fpnBottleneck(concat(outputs, axis: 1)))
    }

    /// `psp_forward`: the map, its pooled-and-upsampled variants, concatenated, through the bottleneck.
    func pyramidPooling(_ x: Tensor) -> Tensor {
        var parts = [x]
        for (scale, conv) in zip(poolScales, poolConvs) {
            parts.append(resized(conv(adaptiveAvgPool2d(x, outputSize: scale)), like: x))
        }
        return bottleneck(concat(parts, axis: 1))
    }

    func resized(_ x: Tensor, like reference: Tensor) -> Tensor {
        interpolate(x, size: (reference.shape[2], reference.shape[3]), mode: .bilinear, alignCorners: false)
    }
}
