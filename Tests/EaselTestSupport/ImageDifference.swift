import EaselImage
import Foundation

/// How two 8-bit images differ, sample by sample: nil when their size or layout differ.
public struct ImageDifference: CustomStringConvertible {
    /// The largest `|actual - expected|` over all samples.
    public let maxAbsolute: Int
    /// How many samples differ.
    public let mismatches: Int
    /// How many samples each image has.
    public let count: Int
    /// The mean of `|actual - expected|` over all samples, in levels of 255.
    public let meanAbsolute: Double

    public init?(_ actual: Image, _ expected: Image) {
        guard actual.width == expected.width, actual.height == expected.height, actual.layout == expected.layout else {
            return nil
        }
        var maxAbsolute = 0, mismatches = 0, sum = 0
        for (a, e) in zip(actual.pixels, expected.pixels) where a != e {
            mismatches += 1
            let difference = abs(Int(a) - Int(e))
            maxAbsolute = max(maxAbsolute, difference)
            sum += difference
        }
        meanAbsolute = actual.pixels.isEmpty ? 0 : Double(sum) / Double(actual.pixels.count)
        self.maxAbsolute = maxAbsolute
        self.mismatches = mismatches
        count = actual.pixels.count
    }

    public var description: String {
        "mean |diff| \(String(format: "%.4f", meanAbsolute)), max |diff| \(maxAbsolute), \(mismatches) of \(count) samples differ"
    }
}
