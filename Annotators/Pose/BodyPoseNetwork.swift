import EaselDiffusion
import EaselTensor

/// The OpenPose body network of the ControlNet annotators: controlnet_aux's `bodypose_model`
/// (`controlnet_aux/open_pose/model.py`, the CMU COCO model as ported by pytorch-openpose).
///
/// A VGG-19 trunk (`conv1_1` ... `conv4_4_CPM`, three 2x2 max pools, so maps are 1/8 of the input) feeds
/// six stages; each stage has a PAF branch (`_L1`, 38 channels: 19 limbs x (dx, dy)) and a heatmap branch
/// (`_L2`, 19 channels: 18 parts + background), and stages 2-6 read `cat([paf, heatmap, trunk])`.
/// Every convolution is followed by a ReLU except each branch's last one; controlnet_aux's list of those
/// names `Mconv7_stage6_L1` twice and not `Mconv7_stage6_L2`, so the final heatmap keeps its ReLU (kept here).
///
/// Weights are read by the key names of `body_pose_model.pth` (`conv1_1.weight`, `Mconv3_stage4_L2.bias`, ...:
/// the module's state dict with the `model0.`/`modelN_M.` prefixes dropped, what `util.transfer` maps from);
/// a state dict saved from the module, with those prefixes, is read too.
/// Channel widths are taken from the stored shapes (the real file has 64 ... 512), with each layer's input
/// checked against the one before, so a scaled-down network with the same names loads as well (tests).
public struct BodyPoseNetwork: Sendable {
    /// One convolution and whether a ReLU follows it.
    struct ConvLayer: Sendable {
        let conv: Conv2D
        let relu: Bool

        func callAsFunction(_ x: Tensor) -> Tensor {
            relu ? EaselTensor.relu(conv(x)) : conv(x)
        }
    }

    /// A trunk step: a convolution or controlnet_aux's `MaxPool2d(2, 2, 0)`.
    enum TrunkLayer: Sendable {
        case conv(ConvLayer)
        case maxPool
    }

    /// The stage outputs the estimator uses: part affinity fields (`Mconv7_stage6_L1`) and heatmaps
    /// (`Mconv7_stage6_L2`), `[N, 38, H/8, W/8]` and `[N, 19, H/8, W/8]`.
    public struct Output: Sendable {
        public let partAffinityFields: Tensor
        public let heatmaps: Tensor
    }

    public static let pafChannels = 38
    public static let heatmapChannels = 19

    let trunk: [TrunkLayer]
    /// Per stage (1 ... 6): the PAF branch and the heatmap branch.
    let stages: [(paf: [ConvLayer], heatmap: [ConvLayer])]

    /// Trunk layers in order: names and kernel sizes (nil: a 2x2 max pool).
    static let trunkPlan: [(name: String, kernel: Int)?] = [
        ("conv1_1", 3), ("conv1_2", 3), nil,
        ("conv2_1", 3), ("conv2_2", 3), nil,
        ("conv3_1", 3), ("conv3_2", 3), ("conv3_3", 3), ("conv3_4", 3), nil,
        ("conv4_1", 3), ("conv4_2", 3), ("conv4_3_CPM", 3), ("conv4_4_CPM", 3),
    ]

    /// The convolution names and kernel sizes of stage `stage`'s branch `branch` (1: PAF, 2: heatmap).
    static func stagePlan(stage: Int, branch: Int) -> [(name: String, kernel: Int)] {
        if stage == 1 {
            return [(3, 1), (3, 2), (3, 3), (1, 4), (1, 5)].map { ("conv5_\($0.1)_CPM_L\(branch)", $0.0) }
        }
        return [7, 7, 7, 7, 7, 1, 1].enumerated().map { ("Mconv\($0.offset + 1)_stage\(stage)_L\(branch)", $0.element) }
    }

    /// Every tensor name the network reads (weight and bias of each convolution), in `body_pose_model.pth` naming.
    public static var tensorNames: [String] {
        var convs = trunkPlan.compactMap { $0?.name }
        for stage in 1...6 {
            for branch in 1...2 { convs += stagePlan(stage: stage, branch: branch).map(\.name) }
        }
        return convs.flatMap { ["\($0).weight", "\($0).bias"] }
    }

    /// The shape of every tensor of the real `body_pose_model.pth` (52 M parameters), by name.
    public static var standardShapes: [String: [Int]] {
        let trunkWidths = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 256, 128]
        var shapes: [String: [Int]] = [:]
        var input = 3
        for ((name, kernel), width) in zip(trunkPlan.compactMap { $0 }, trunkWidths) {
            shapes["\(name).weight"] = [width, input, kernel, kernel]
            shapes["\(name).bias"] = [width]
            input = width
        }
        for stage in 1...6 {
            for branch in 1...2 {
                var width = stage == 1 ? 128 : pafChannels + heatmapChannels + 128
                let plan = stagePlan(stage: stage, branch: branch)
                let widths = (stage == 1 ? [128, 128, 128, 512] : [128, 128, 128, 128, 128, 128])
                    + [branch == 1 ? pafChannels : heatmapChannels]
                for ((name, kernel), out) in zip(plan, widths) {
                    shapes["\(name).weight"] = [out, width, kernel, kernel]
                    shapes["\(name).bias"] = [out]
                    width = out
                }
            }
        }
        return shapes
    }

    /// Loads the network from `store` (names as in `body_pose_model.pth`), checking every shape and
    /// that no tensor is left over.
    public init(loading store: any TensorStore) throws {
        let loader = WeightLoader(Self.withFileNames(store))
        var channels = 3
        var trunk: [TrunkLayer] = []
        for step in Self.trunkPlan {
            guard let (name, kernel) = step else {
                trunk.append(.maxPool)
                continue
            }
            let layer = try Self.loadConv(loader, name: name, inChannels: channels, kernel: kernel, relu: true)
            channels = layer.conv.outChannels
            trunk.append(.conv(layer))
        }
        let trunkChannels = channels
        var stages: [(paf: [ConvLayer], heatmap: [ConvLayer])] = []
        for stage in 1...6 {
            let input = stage == 1 ? trunkChannels : Self.pafChannels + Self.heatmapChannels + trunkChannels
            var branches: [[ConvLayer]] = []
            for branch in 1...2 {
                var layers: [ConvLayer] = []
                var width = input
                let plan = Self.stagePlan(stage: stage, branch: branch)
                for (index, (name, kernel)) in plan.enumerated() {
                    let last = index == plan.count - 1
                    // controlnet_aux's no-ReLU list misses Mconv7_stage6_L2 (see the type's comment).
                    let relu = !last || (stage == 6 && branch == 2)
                    let layer = try Self.loadConv(loader, name: name, inChannels: width, kernel: kernel, relu: relu)
                    width = layer.conv.outChannels
                    layers.append(layer)
                }
                let expected = branch == 1 ? Self.pafChannels : Self.heatmapChannels
                guard width == expected else {
                    throw WeightError.invalidConfiguration(
                        "'\(plan.last!.name).weight' has \(width) output channels; OpenPose body needs \(expected)")
                }
                branches.append(layers)
            }
            stages.append((branches[0], branches[1]))
        }
        try loader.checkAllUsed()
        self.trunk = trunk
        self.stages = stages
    }

    /// `store` with `body_pose_model.pth` names: a state dict saved from controlnet_aux's module itself
    /// (`model0.conv1_1.weight`, `model2_1.Mconv1_stage2_L1.weight`, ...) loses its first name component, as
    /// `util.transfer` maps it.
    static func withFileNames(_ store: any TensorStore) -> any TensorStore {
        guard store.shape(of: "conv1_1.weight") == nil, store.shape(of: "model0.conv1_1.weight") != nil else { return store }
        var names: [String: String] = [:]
        for name in store.tensorNames {
            guard let dot = name.firstIndex(of: ".") else { continue }
            names[String(name[name.index(after: dot)...])] = name
        }
        return RenamedTensorStore(base: store, names: names)
    }

    /// A convolution whose output width is read from the stored weight; its input width and kernel are checked.
    private static func loadConv(_ loader: WeightLoader, name: String, inChannels: Int, kernel: Int, relu: Bool) throws
        -> ConvLayer
    {
        guard let stored = loader.shape(of: "\(name).weight") else {
            throw WeightError.missing(name: "\(name).weight", expectedShape: nil)
        }
        guard stored.count == 4, stored[0] > 0 else {
            throw WeightError.shapeMismatch(name: "\(name).weight", expected: [-1, inChannels, kernel, kernel], actual: stored)
        }
        let conv = try Conv2D(
            loading: loader.scope(name), inChannels: inChannels, outChannels: stored[0], kernel: kernel,
            padding: kernel / 2)
        return ConvLayer(conv: conv, relu: relu)
    }

    /// The network on `input` `[N, 3, H, W]` (BGR, `x / 256 - 0.5`; H and W multiples of 8 as the estimator pads).
    public func callAsFunction(_ input: Tensor) -> Output {
        var features = input
        for layer in trunk {
            switch layer {
            case .conv(let conv): features = conv(features)
            case .maxPool: features = maxPool2d(features, kernel: 2, stride: 2)
            }
        }
        var stageInput = features
        var output = Output(partAffinityFields: features, heatmaps: features)
        for (paf, heatmap) in stages {
            let fields = paf.reduce(stageInput) { $1($0) }
            let maps = heatmap.reduce(stageInput) { $1($0) }
            output = Output(partAffinityFields: fields, heatmaps: maps)
            stageInput = concat([fields, maps, features], axis: 1)
        }
        return output
    }
}
