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
