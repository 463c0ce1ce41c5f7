/// Heatmaps and PAFs -> people: the parsing half of controlnet_aux's `Body.__call__` followed by
/// `format_body_result`, exact on the same float64 maps.
public enum BodyPoseParser {
    /// What `Body.__call__` returns: `candidate` (every peak) and `subset` (one row per person:
    /// 18 candidate indices or -1, total score, part count).
    public struct Result: Sendable, Equatable {
        public let candidates: [BodyPeak]
        public let subset: [[Double]]
    }

    public static func parse(_ maps: BodyPoseMaps) -> Result {
        let peaks = PeakFinder.peaks(in: maps)
        let connections = LimbConnections.connect(peaks, maps: maps)
        let subset = PersonAssembly.assemble(connections, peaks: peaks)
        return Result(candidates: peaks.flatMap { $0 }, subset: subset)
    }

    /// The people found, keypoints in pixels of the maps' canvas.
    public static func figure(_ maps: BodyPoseMaps) -> PoseFigure {
        let result = parse(maps)
        let people = result.subset.map { row in
            PosePerson(
                keypoints: row[0..<18].map { index -> PoseKeypoint? in
                    let i = Int(index)
                    guard i != -1 else { return nil }
                    let peak = result.candidates[i]
                    return PoseKeypoint(x: Double(peak.x), y: Double(peak.y), score: peak.score)
                },
                totalScore: row[18], totalParts: Int(row[19]))
        }
        return PoseFigure(canvasWidth: maps.width, canvasHeight: maps.height, people: people)
    }
}
