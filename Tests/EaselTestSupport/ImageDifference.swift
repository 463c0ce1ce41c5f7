import EaselImage

/// How two 8-bit images differ, sample by sample: nil when their size or layout differ.
public struct ImageDifference: CustomStringConvertible {
    /// The largest `|actual - expected|` over all samples.
    public let maxAbsolute: Int
    /// How many samples differ.
    public let mismatches: Int
    /// How many samples each image has.
    public let count: Int

    public init?(_ actual: Image, _ expected: Image) {
        guard actual.width == expected.width, actual.height == expected.height, actual.layout == expected.layout else {
            return nil
        }
        var maxAbsolute = 0, mismatches = 0
        for (a, e) in zip(actual.pixels, expected.pixels) where a != e {
            mismatches += 1
            maxAbsolute = max(maxAbsolute, abs(Int(a) - Int(e)))
        }
        self.maxAbsolute = maxAbsolute
        self.mismatches = mismatches
        count = actual.pixels.count
    }

    public var description: String { "max |diff| \(maxAbsolute), \(mismatches) of \(count) samples differ" }
}
