import Foundation

/// One accepted limb: controlnet_aux's `connection` rows `[idA, idB, score, i, j]`.
struct LimbConnection: Sendable, Equatable {
    let peakA: Int
    let peakB: Int
    let score: Double
    let indexA: Int
    let indexB: Int
}

/// The limb search of controlnet_aux's `Body.__call__`: every pair of candidate parts of a limb is scored
/// by the PAF's projection on the segment between them, sampled at 10 points (`np.linspace`, rounded half
/// to even); a pair counts when > 80% of samples exceed 0.05 and the mean plus the distance prior
/// `min(0.5 * H / length - 1, 0)` is positive. Pairs are then taken greedily by score, each part once.
enum LimbConnections {
    static let sampleCount = 10
    static let sampleThreshold = 0.05

    /// `connection_all`: per limb, its connections, or nil where a part of it had no peak (`special_k`).
    static func connect(_ peaks: [[BodyPeak]], maps: BodyPoseMaps) -> [[LimbConnection]?] {
        BodySkeleton.limbs.indices.map { k in
            let (a, b) = BodySkeleton.limbs[k]
            let candA = peaks[a - 1], candB = peaks[b - 1]
            guard !candA.isEmpty, !candB.isEmpty else { return nil }
            let (cx, cy) = BodySkeleton.pafChannels[k]
            let fieldX = maps.partAffinityFields[cx - 19], fieldY = maps.partAffinityFields[cy - 19]
            var candidates: [(i: Int, j: Int, score: Double)] = []
            for i in candA.indices {
                for j in candB.indices {
                    if let score = score(from: candA[i], to: candB[j], fieldX, fieldY, maps) {
                        candidates.append((i, j, score))
                    }
                }
            }
            // sorted(..., key=score, reverse=True): stable, so equal scores keep their order.
            let order = candidates.indices.sorted {
                candidates[$0].score != candidates[$1].score ? candidates[$0].score > candidates[$1].score : $0 < $1
            }
            var connections: [LimbConnection] = []
            for index in order {
                let (i, j, s) = candidates[index]
                if connections.contains(where: { $0.indexA == i }) || connections.contains(where: { $0.indexB == j }) {
                    continue
                }
                connections.append(LimbConnection(peakA: candA[i].id, peakB: candB[j].id, score: s, indexA: i, indexB: j))
                if connections.count >= min(candA.count, candB.count) { break }
            }
            return connections
        }
    }

    /// `score_with_dist_prior` of the pair, or nil when it fails either criterion.
    private static func score(from a: BodyPeak, to b: BodyPeak, _ fieldX: [Double], _ fieldY: [Double],
                              _ maps: BodyPoseMaps) -> Double? {
        let dx = b.x - a.x, dy = b.y - a.y
        let norm = max(0.001, Double(dx * dx + dy * dy).squareRoot())
        let ux = Double(dx) / norm, uy = Double(dy) / norm
        let xs = linspace(Double(a.x), Double(b.x)), ys = linspace(Double(a.y), Double(b.y))
        var sum = 0.0
        var above = 0
        for n in 0..<sampleCount {
            let px = Int(xs[n].rounded(.toNearestOrEven)), py = Int(ys[n].rounded(.toNearestOrEven))
            let index = py * maps.width + px
            let projection = fieldX[index] * ux + fieldY[index] * uy
            sum += projection
            if projection > sampleThreshold { above += 1 }
        }
        let withPrior = sum / Double(sampleCount) + min(0.5 * Double(maps.height) / norm - 1, 0)
        guard Double(above) > 0.8 * Double(sampleCount), withPrior > 0 else { return nil }
        return withPrior
    }

    /// `np.linspace(start, stop, num=10)`: `start + i * ((stop - start) / 9)`, the last value `stop`.
    static func linspace(_ start: Double, _ stop: Double) -> [Double] {
        let step = (stop - start) / Double(sampleCount - 1)
        return (0..<sampleCount).map { $0 == sampleCount - 1 ? stop : Double($0) * step + start }
    }
}
