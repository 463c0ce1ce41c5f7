import EaselTensor
import EaselTestSupport
import Foundation

/// Reads the draw sequences written by Tests/Reference/make_random_fixtures.py: for case `c`, metadata
/// `c.seed`, `c.shapes` ("4x64x64;1;..." in draw order) and per draw `c.k.checksum`, with tensors `c.k.head`
/// (all values, or the first 256) and `c.k.tail` (the last 256, only for draws of more than 512 values).
struct RandomDrawCase {
    struct Draw {
        let shape: [Int]
        let checksum: String
        let head: [Float]
        let tail: [Float]
    }

    let seedText: String
    let draws: [Draw]

    init(_ name: String, in fixture: ReferenceFixture) throws {
        seedText = try fixture.string("\(name).seed")
        let shapes = try fixture.string("\(name).shapes").split(separator: ";").map { text in
            text.split(separator: "x").compactMap { Int($0) }
        }
        draws = try shapes.enumerated().map { k, shape in
            let count = Tensor.elementCount(shape)
            return Draw(
                shape: shape, checksum: try fixture.string("\(name).\(k).checksum"),
                head: try fixture.tensor("\(name).\(k).head").scalars,
                tail: count > 512 ? try fixture.tensor("\(name).\(k).tail").scalars : [])
        }
    }

    /// Compares one drawn tensor with the stored draw: bit patterns of the stored values, and the checksum of all.
    /// Returns the number of stored values whose bits differ, plus 1 if the checksum differs.
    static func mismatches(_ actual: Tensor, _ draw: Draw) -> Int {
        let values = actual.scalars
        guard actual.shape == draw.shape, values.count >= draw.head.count + draw.tail.count else { return .max }
        var count = 0
        for (a, e) in zip(values.prefix(draw.head.count), draw.head) where a.bitPattern != e.bitPattern { count += 1 }
        for (a, e) in zip(values.suffix(draw.tail.count), draw.tail) where a.bitPattern != e.bitPattern { count += 1 }
        if bitPatternChecksum(values) != draw.checksum { count += 1 }
        return count
    }
}

/// FNV-1a-style 64-bit hash over the float32 bit patterns as 32-bit words, in lowercase hex
/// (`checksum` in make_random_fixtures.py).
func bitPatternChecksum(_ values: [Float]) -> String {
    var hasher = BitPatternHasher()
    for value in values { hasher.add(value) }
    return hasher.hex
}

/// The running state of `bitPatternChecksum`, for checksums of sequences too long to keep.
struct BitPatternHasher {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ value: Float) { hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3 }

    var hex: String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
