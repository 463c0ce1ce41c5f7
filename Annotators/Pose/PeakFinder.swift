/// A heatmap peak: controlnet_aux's `(x, y, score, id)` tuples of `all_peaks`.
public struct BodyPeak: Sendable, Equatable {
    public let x: Int
    public let y: Int
    /// The unsmoothed heatmap value at the peak.
    public let score: Double
    /// The peak's index among all parts' peaks (parts in order, each part's peaks row by row).
    public let id: Int
}

/// The peak search of controlnet_aux's `Body.__call__`: each part's heatmap is smoothed
/// (`GaussianFilter.sigma3`) and a pixel is a peak when it is > 0.1 and >= its four neighbours
/// (neighbours outside the map count as 0); peaks are listed in row-major order (`np.nonzero`).
enum PeakFinder {
    static let threshold = 0.1

    /// `all_peaks`: for each of the 18 parts, its peaks.
    static func peaks(in maps: BodyPoseMaps) -> [[BodyPeak]] {
        let (w, h) = (maps.width, maps.height)
        var all: [[BodyPeak]] = []
        var nextID = 0
        for part in 0..<BodySkeleton.partCount {
            let original = maps.heatmaps[part]
            let smooth = GaussianFilter.sigma3(original, width: w, height: h)
            var found: [BodyPeak] = []
            for y in 0..<h {
                for x in 0..<w {
                    let v = smooth[y * w + x]
                    // map_left/right shift along axis 0 (rows), map_up/down along axis 1, zero-filled.
                    let above = y > 0 ? smooth[(y - 1) * w + x] : 0
                    let below = y < h - 1 ? smooth[(y + 1) * w + x] : 0
                    let left = x > 0 ? smooth[y * w + x - 1] : 0
                    let right = x < w - 1 ? smooth[y * w + x + 1] : 0
                    if v >= above, v >= below, v >= left, v >= right, v > threshold {
                        found.append(BodyPeak(x: x, y: y, score: original[y * w + x], id: nextID))
                        nextID += 1
                    }
                }
            }
            all.append(found)
        }
        return all
    }
}
