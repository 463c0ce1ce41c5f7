import Foundation

/// The parsed and validated JSON header of a safetensors file.
struct SafetensorsHeader {
    /// Largest header accepted, as in the reference implementation (100 MB).
    static let maximumHeaderLength = 100_000_000

    var tensors: [String: TensorInfo] = [:]
    var metadata: [String: String] = [:]
    /// Offset of the data section from the start of the file.
    var dataStart: Int

    init(parsing data: Data, path: String) throws {
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }
        guard data.count >= 8 else { throw corrupt("file is \(data.count) bytes, shorter than the 8-byte header length") }
        let length = data.withUnsafeBytes { raw in UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) }
        guard length <= UInt64(Self.maximumHeaderLength) else {
            throw corrupt("header length \(length) exceeds the \(Self.maximumHeaderLength)-byte limit")
        }
        guard UInt64(data.count) - 8 >= length else {
            throw corrupt("header length \(length) runs past the end of the \(data.count)-byte file")
        }
        dataStart = 8 + Int(length)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart))
        } catch {
            throw corrupt("header is not well-formed JSON")
        }
        guard let object = json as? [String: Any] else { throw corrupt("header is not a JSON object") }
        let dataLength = data.count - dataStart
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value as? [String: String] else { throw corrupt("__metadata__ is not a string map") }
                metadata = map
                continue
            }
            tensors[name] = try Self.parseTensor(name: name, value: value, dataLength: dataLength, corrupt: corrupt)
        }
        try Self.checkNoOverlap(tensors.values, corrupt: corrupt)
    }

    private static func parseTensor(
        name: String, value: Any, dataLength: Int, corrupt: (String) -> CheckpointError
    ) throws -> TensorInfo {
        guard let entry = value as? [String: Any] else { throw corrupt("entry for '\(name)' is not an object") }
        guard let dtypeName = entry["dtype"] as? String else { throw corrupt("tensor '\(name)' has no dtype") }
        guard let dataType = TensorDataType(rawValue: dtypeName) else {
            throw corrupt("tensor '\(name)' has unsupported dtype \(dtypeName) (Easel reads F32, F16, BF16)")
        }
        guard let shapeValues = entry["shape"] as? [Any] else { throw corrupt("tensor '\(name)' has no shape") }
        var shape: [Int] = []
        var elements = 1
        for extent in shapeValues {
            guard let n = extent as? Int, n >= 0 else { throw corrupt("tensor '\(name)' has a bad shape \(shapeValues)") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow else { throw corrupt("tensor '\(name)' shape \(shapeValues) overflows") }
            elements = product
            shape.append(n)
        }
        guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
            let begin = offsets[0] as? Int, let end = offsets[1] as? Int, begin >= 0, begin <= end
        else { throw corrupt("tensor '\(name)' has bad data_offsets") }
        guard end <= dataLength else {
            throw corrupt("tensor '\(name)' data [\(begin), \(end)) lies outside the \(dataLength)-byte data section (truncated file?)")
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dataType.byteSize)
        guard !overflow, bytes == end - begin else {
            throw corrupt("tensor '\(name)' shape \(shape) x \(dtypeName) needs \(elements * dataType.byteSize) bytes but its data_offsets span \(end - begin)")
        }
        return TensorInfo(name: name, dataType: dataType, shape: shape, dataOffsets: begin..<end)
    }

    private static func checkNoOverlap(
        _ infos: Dictionary<String, TensorInfo>.Values, corrupt: (String) -> CheckpointError
    ) throws {
        let sorted = infos.filter { !$0.dataOffsets.isEmpty }.sorted { $0.dataOffsets.lowerBound < $1.dataOffsets.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.dataOffsets.upperBound > b.dataOffsets.lowerBound {
            throw corrupt("tensors '\(a.name)' and '\(b.name)' overlap in the data section")
        }
    }
}
