import EaselTensor
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a safetensors file, laid out byte for byte as the reference writer (`safetensors.torch.save_file`)
/// lays it out: tensors sorted by element type (widest alignment first, in the reference's dtype order)
/// and then by name, a compact JSON header padded with spaces to a multiple of 8 bytes so every tensor
/// starts 8-aligned, `__metadata__` first when there is any.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["format": "pt"])
/// try writer.add("conv_in.weight", weight, as: .float16)
/// try writer.write(to: url)   // atomic: a temporary file in the same folder, then rename
/// ```
public struct SafetensorsWriter: Sendable {
    /// The `__metadata__` string map (written with its keys sorted, so output is deterministic).
    public var metadata: [String: String]
    private var entries: [String: Entry] = [:]

    private struct Entry: Sendable {
        var dataType: TensorDataType
        var shape: [Int]
        var bytes: [UInt8]
    }

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Names added so far.
    public var tensorNames: [String] { entries.keys.sorted() }

    /// Adds (or replaces) a float tensor, stored as F32, F16 or BF16 (rounded to nearest even as
    /// `tensor.to(torch.float16 / torch.bfloat16)` rounds).
    public mutating func add(_ name: String, _ tensor: Tensor, as dataType: TensorDataType = .float32) throws {
        guard let bytes = tensor.withUnsafeBufferPointer({ FloatConversion.narrow($0, to: dataType) }) else {
            throw CheckpointError.invalidTensor(name: name, reason: "a float tensor can be stored as F32, F16 or BF16, not \(dataType.rawValue)")
        }
        try add(name, dataType: dataType, shape: tensor.shape, bytes: bytes)
    }

    /// Adds (or replaces) a tensor given as its stored little-endian bytes, of any element type.
    public mutating func add(_ name: String, dataType: TensorDataType, shape: [Int], bytes: [UInt8]) throws {
        guard name != "__metadata__" else {
            throw CheckpointError.invalidTensor(name: name, reason: "the name is reserved for the metadata map")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw CheckpointError.invalidTensor(name: name, reason: "shape \(shape) has a negative extent")
        }
        var elements = 1
        for extent in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw CheckpointError.invalidTensor(name: name, reason: "shape \(shape) overflows") }
            elements = product
        }
        guard let expected = dataType.byteCount(elements: elements), expected == bytes.count else {
            throw CheckpointError.invalidTensor(
                name: name, reason: "shape \(shape) x \(dataType.rawValue) does not take \(bytes.count) bytes")
        }
        entries[name] = Entry(dataType: dataType, shape: shape, bytes: bytes)
    }

    /// The whole file as bytes.
    public func encoded() -> [UInt8] {
        let ordered = entries.sorted { a, b in
            if a.value.dataType != b.value.dataType { return a.value.dataType > b.value.dataType }
            return Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8))
        }
        var json = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { JSONStringLiteral.quoted($0.key) + ":" + JSONStringLiteral.quoted($0.value) }
            members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, entry) in ordered {
            let end = offset + entry.bytes.count
            members.append(
                JSONStringLiteral.quoted(name) + ":{\"dtype\":\"\(entry.dataType.rawValue)\",\"shape\":["
                    + entry.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json += members.joined(separator: ",") + "}"
        var header = Array(json.utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var file: [UInt8] = []
        file.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        for (_, entry) in ordered { file.append(contentsOf: entry.bytes) }
        return file
    }

    /// Writes the file atomically: to a temporary file in the same folder, then renamed over `url`, so a
    /// reader never sees half a file and a failure leaves any existing file untouched.
    public func write(to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(encoded()).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.unwritable(path: url.path, reason: error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.unwritable(path: url.path, reason: reason)
        }
    }
}
