/// The network's maps at the size of the image, as controlnet_aux's `Body.__call__` holds them in
/// `heatmap_avg` and `paf_avg` (float64 planes of float32 values) before parsing.
public struct BodyPoseMaps: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 19 planes (18 parts, then background), row-major `height` x `width`.
    public let heatmaps: [[Double]]
    /// 38 planes: 19 limbs x (x, y) in the network's channel order.
    public let partAffinityFields: [[Double]]

    public init(width: Int, height: Int, heatmaps: [[Double]], partAffinityFields: [[Double]]) throws {
        let count = width * height
        guard width > 0, height > 0, heatmaps.count == BodyPoseNetwork.heatmapChannels,
            partAffinityFields.count == BodyPoseNetwork.pafChannels,
            (heatmaps + partAffinityFields).allSatisfy({ $0.count == count })
        else {
            throw PoseError.invalidMaps(
                "expected 19 heatmap and 38 PAF planes of \(width)x\(height), got \(heatmaps.count) and \(partAffinityFields.count)")
        }
        self.width = width
        self.height = height
        self.heatmaps = heatmaps
        self.partAffinityFields = partAffinityFields
    }
}

/// Why a pose could not be detected, read or drawn.
public enum PoseError: Error, Equatable, CustomStringConvertible {
    case invalidMaps(String)
    case imageTooSmall(width: Int, height: Int)
    case invalidJSON(field: String, reason: String)
    case drawingFailed(String)

    public var description: String {
        switch self {
        case .invalidMaps(let message): "pose: invalid network maps: \(message)"
        case .imageTooSmall(let width, let height):
            "pose: a \(width)x\(height) image is too narrow to detect at OpenPose's scale (height 184)"
        case .invalidJSON(let field, let reason): "pose JSON: '\(field)' \(reason)"
        case .drawingFailed(let message): "pose: drawing failed: \(message)"
        }
    }
}
