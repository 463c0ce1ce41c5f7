/// The person assembly of controlnet_aux's `Body.__call__`: limbs are visited in `limbSeq` order and each
/// connection joins the person holding one of its parts, merges two disjoint people it links, or (for the
/// first 17 limbs) starts a new person; people with fewer than 4 parts or a mean score below 0.4 are
/// dropped. Rows are kept as controlnet_aux's `subset`: 18 peak ids (-1: none), total score, part count.
enum PersonAssembly {
    static func assemble(_ connections: [[LimbConnection]?], peaks: [[BodyPeak]]) -> [[Double]] {
        let candidateScores = peaks.flatMap { $0 }.map(\.score)
        var subset: [[Double]] = []
        for (k, limb) in connections.enumerated() {
            guard let limb else { continue }
            let indexA = BodySkeleton.limbs[k].0 - 1, indexB = BodySkeleton.limbs[k].1 - 1
            for connection in limb {
                let partA = Double(connection.peakA), partB = Double(connection.peakB)
                // controlnet_aux keeps the first two matching people (a third would raise IndexError there).
                var matches: [Int] = []
                for (j, row) in subset.enumerated() where row[indexA] == partA || row[indexB] == partB {
                    matches.append(j)
                }
                if matches.count == 1 {
                    let j = matches[0]
                    if subset[j][indexB] != partB {
                        subset[j][indexB] = partB
                        subset[j][19] += 1
                        subset[j][18] += candidateScores[connection.peakB] + connection.score
                    }
                } else if matches.count >= 2 {
                    let j1 = matches[0], j2 = matches[1]
                    let shared = (0..<18).contains { subset[j1][$0] >= 0 && subset[j2][$0] >= 0 }
                    if !shared {
                        for p in 0..<18 { subset[j1][p] += subset[j2][p] + 1 }
                        subset[j1][18] += subset[j2][18]
                        subset[j1][19] += subset[j2][19]
                        subset[j1][18] += connection.score
                        subset.remove(at: j2)
                    } else {
                        subset[j1][indexB] = partB
                        subset[j1][19] += 1
                        subset[j1][18] += candidateScores[connection.peakB] + connection.score
                    }
                } else if k < 17 {
                    var row = [Double](repeating: -1, count: 20)
                    row[indexA] = partA
                    row[indexB] = partB
                    row[19] = 2
                    row[18] = candidateScores[connection.peakA] + candidateScores[connection.peakB] + connection.score
                    subset.append(row)
                }
            }
        }
        return subset.filter { !($0[19] < 4 || $0[18] / $0[19] < 0.4) }
    }
}
