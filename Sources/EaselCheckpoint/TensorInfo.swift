/// Where one tensor lives in a safetensors file, as its header entry says.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    public var dataType: TensorDataType
    public var shape: [Int]
    /// Where the bytes are: in a safetensors file, the range inside the data section (the bytes after
    /// the header); in a PyTorch checkpoint, the absolute range in the file from the first to the last
    /// element of the tensor's view (see `PyTorchCheckpointFile.tensors`).
    public var dataOffsets: Range<Int>

    public init(name: String, dataType: TensorDataType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name
        self.dataType = dataType
        self.shape = shape
        self.dataOffsets = dataOffsets
    }

    /// Number of elements (1 for a scalar, whose shape is `[]`).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Bytes of data.
    public var byteCount: Int { dataOffsets.count }
}

extension TensorInfo {
    /// Name order for listings: numeric runs compare as numbers, so `down_blocks.2` comes before
    /// `down_blocks.10`.
    public static func listingOrder(_ a: String, _ b: String) -> Bool {
        var i = a.utf8.startIndex
        var j = b.utf8.startIndex
        let x = a.utf8
        let y = b.utf8
        while i < x.endIndex && j < y.endIndex {
            let c = x[i]
            let d = y[j]
            if isDigit(c) && isDigit(d) {
                let (m, nextI) = digitRun(x, from: i)
                let (n, nextJ) = digitRun(y, from: j)
                if m != n { return m < n }
                i = nextI
                j = nextJ
            } else {
                if c != d { return c < d }
                i = x.index(after: i)
                j = y.index(after: j)
            }
        }
        if (i == x.endIndex) != (j == y.endIndex) { return i == x.endIndex }
        return a < b
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// The digit run starting at `start` as a (saturating) number, and the index after it.
    private static func digitRun(_ s: String.UTF8View, from start: String.UTF8View.Index) -> (Int, String.UTF8View.Index) {
        var value = 0
        var k = start
        while k < s.endIndex, isDigit(s[k]) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(s[k] - 48))
            value = o1 || o2 ? Int.max : sum
            k = s.index(after: k)
        }
        return (value, k)
    }
}
