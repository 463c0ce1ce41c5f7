/// The parsed and validated header of a safetensors file.
///
/// What counts as valid is what the reference implementation (the `safetensors` Rust crate, 0.8, used by
/// `safetensors.torch`, diffusers and the A1111 web UI) accepts, checked in the same order:
/// 1. at least 8 bytes; the little-endian u64 header length at most 100,000,000 and inside the file;
/// 2. the header is UTF-8 and strict JSON (see `HeaderJSONParser`), a JSON object;
/// 3. `__metadata__`, if present, is `null` or an object of strings (once; within it the last of
///    duplicate keys wins);
/// 4. every other key is a tensor: an object with `dtype` (one of `TensorDataType`), `shape` (non-negative
///    integer literals) and `data_offsets` (exactly two non-negative integer literals), each once; other
///    fields are ignored; of duplicate tensor names the last wins, as in the reference;
/// 5. sorted by offsets, the tensors tile the data section exactly: the first starts at 0, each starts
///    where the previous one ends, none runs backwards, each spans shape x dtype bytes, and the last ends
///    at the end of the file. So overlaps, gaps, truncated files and trailing bytes are all errors.
///
/// Known difference: an extent above 2^63 - 1 is rejected even beside a zero extent (the reference would
/// accept such an empty tensor); Swift's `Int` shape cannot hold it.
struct SafetensorsHeader {
    /// Largest header accepted, as in the reference implementation.
    static let maximumHeaderLength: UInt64 = 100_000_000

    var tensors: [String: TensorInfo] = [:]
    var metadata: [String: String] = [:]
    /// Tensor names in data order (by offset).
    var orderedNames: [String] = []
    /// Offset of the data section from the start of the file.
    var dataStart: Int

    init(parsing file: UnsafeRawBufferPointer, path: String) throws(CheckpointError) {
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }

        guard file.count >= 8 else {
            throw corrupt("the file is \(file.count) bytes, shorter than the 8-byte header length that starts every safetensors file")
        }
        let length = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard length <= Self.maximumHeaderLength else {
            throw corrupt("its header length \(length) exceeds the limit of \(Self.maximumHeaderLength) bytes")
        }
        guard length <= UInt64(file.count - 8) else {
            throw corrupt("its header length \(length) runs past the end of the \(file.count)-byte file (truncated?)")
        }
        dataStart = 8 + Int(length)
        let headerBytes = UnsafeRawBufferPointer(rebasing: file[8..<dataStart])
        if let offset = Self.firstInvalidUTF8(headerBytes) {
            throw corrupt("its header is not valid UTF-8 (bad byte at header offset \(offset))")
        }
        let json: JSONValue
        do {
            json = try HeaderJSONParser.parse(headerBytes)
        } catch {
            throw corrupt("its header is not well-formed JSON: \(error.message) at header offset \(error.offset)")
        }
        guard case .object(let members) = json else { throw corrupt("its header is \(json.brief), not a JSON object") }

        var sawMetadata = false
        for member in members {
            if member.key == "__metadata__" {
                guard !sawMetadata else { throw corrupt("its header has __metadata__ twice") }
                sawMetadata = true
                metadata = try Self.parseMetadata(member.value, corrupt: corrupt)
            } else {
                tensors[member.key] = try Self.parseTensor(name: member.key, value: member.value, corrupt: corrupt)
            }
        }
        orderedNames = try Self.checkLayout(tensors, dataLength: file.count - dataStart, corrupt: corrupt)
    }

    private static func parseMetadata(
        _ value: JSONValue, corrupt: (String) -> CheckpointError
    ) throws(CheckpointError) -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var map: [String: String] = [:]
            for member in members {
                guard case .string(let text) = member.value else {
                    throw corrupt("__metadata__ must map strings to strings, but '\(member.key)' is \(member.value.brief)")
                }
                map[member.key] = text
            }
            return map
        default:
            throw corrupt("__metadata__ must be an object of strings, not \(value.brief)")
        }
    }

    private static func parseTensor(
        name: String, value: JSONValue, corrupt: (String) -> CheckpointError
    ) throws(CheckpointError) -> TensorInfo {
        guard case .object(let members) = value else {
            throw corrupt("the entry for tensor '\(name)' is \(value.brief), not an object")
        }
        var fields: [String: JSONValue] = [:]
        for member in members {
            guard fields[member.key] == nil else { throw corrupt("tensor '\(name)' has the field '\(member.key)' twice") }
            fields[member.key] = member.value
        }
        guard let dtypeValue = fields["dtype"] else { throw corrupt("tensor '\(name)' has no dtype") }
        guard case .string(let dtypeName) = dtypeValue else {
            throw corrupt("tensor '\(name)' has dtype \(dtypeValue.brief), not a string")
        }
        guard let dataType = TensorDataType(rawValue: dtypeName) else {
            let known = TensorDataType.allCases.map(\.rawValue).joined(separator: ", ")
            throw corrupt("tensor '\(name)' has the unknown dtype \"\(dtypeName)\" (safetensors knows \(known))")
        }
        guard let shapeValue = fields["shape"] else { throw corrupt("tensor '\(name)' has no shape") }
        guard case .array(let extents) = shapeValue else {
            throw corrupt("tensor '\(name)' has shape \(shapeValue.brief), not an array")
        }
        var shape: [Int] = []
        shape.reserveCapacity(extents.count)
        for extent in extents {
            guard let n = nonNegativeInteger(extent) else {
                throw corrupt("tensor '\(name)' has shape \(shapeValue.brief): extents must be non-negative integers that fit in 64 bits")
            }
            shape.append(n)
        }
        guard let offsetsValue = fields["data_offsets"] else { throw corrupt("tensor '\(name)' has no data_offsets") }
        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
            let begin = nonNegativeInteger(offsets[0]), let end = nonNegativeInteger(offsets[1])
        else {
            throw corrupt("tensor '\(name)' has data_offsets \(offsetsValue.brief): expected two non-negative integers [begin, end]")
        }
        guard end >= begin else {
            throw corrupt("tensor '\(name)' has data_offsets [\(begin), \(end)] that run backwards")
        }
        return TensorInfo(name: name, dataType: dataType, shape: shape, dataOffsets: begin..<end)
    }

    private static func nonNegativeInteger(_ value: JSONValue) -> Int? {
        guard case .integer(let negative, let magnitude) = value, !negative, magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }

    /// Checks that the tensors tile `0..<dataLength` exactly and that each spans its shape x dtype bytes;
    /// returns the names in data order.
    private static func checkLayout(
        _ tensors: [String: TensorInfo], dataLength: Int, corrupt: (String) -> CheckpointError
    ) throws(CheckpointError) -> [String] {
        let ordered = tensors.values.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name)
                < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        var previous: TensorInfo?
        var expectedStart = 0
        for info in ordered {
            let range = info.dataOffsets
            if range.lowerBound != expectedStart {
                if let previous, range.lowerBound < expectedStart {
                    throw corrupt("tensor '\(info.name)' \(describe(range)) overlaps tensor '\(previous.name)' \(describe(previous.dataOffsets))")
                } else if let previous {
                    throw corrupt("tensor '\(info.name)' \(describe(range)) leaves a gap after tensor '\(previous.name)' \(describe(previous.dataOffsets))")
                } else {
                    throw corrupt("the first tensor '\(info.name)' \(describe(range)) does not start at byte 0 of the data")
                }
            }
            var elements = 1
            for extent in info.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
                guard !overflow else { throw corrupt("tensor '\(info.name)' has shape \(info.shape), whose size overflows") }
                elements = product
            }
            guard let bytes = info.dataType.byteCount(elements: elements) else {
                throw corrupt("tensor '\(info.name)' has shape \(info.shape) x \(info.dataType.rawValue), which is not a whole number of bytes")
            }
            guard bytes == range.count else {
                throw corrupt("tensor '\(info.name)' has shape \(info.shape) x \(info.dataType.rawValue) = \(bytes) bytes, but its data_offsets \(describe(range)) span \(range.count)")
            }
            expectedStart = range.upperBound
            previous = info
        }
        if expectedStart > dataLength {
            throw corrupt("its tensors need \(expectedStart) bytes of data but only \(dataLength) follow the header (truncated file?)")
        }
        if expectedStart < dataLength {
            throw corrupt("\(dataLength) bytes of data follow the header but its tensors cover only \(expectedStart) (trailing bytes)")
        }
        return ordered.map(\.name)
    }

    private static func describe(_ range: Range<Int>) -> String { "[\(range.lowerBound), \(range.upperBound))" }

    /// The offset of the first byte that breaks UTF-8, or nil when `bytes` is valid UTF-8.
    static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        // Headers are almost always ASCII: check that quickly, and decode only from the first non-ASCII byte.
        guard let firstNonASCII = bytes.firstIndex(where: { $0 >= 0x80 }) else { return nil }
        var decoder = UTF8()
        var iterator = bytes[firstNonASCII...].makeIterator()
        var offset = firstNonASCII
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
