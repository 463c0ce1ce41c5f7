import EaselTensor
import Foundation

/// A `.safetensors` file (the Hugging Face format: an 8-byte little-endian header length, a JSON header,
/// then raw little-endian tensor data), memory-mapped so that opening a multi-gigabyte checkpoint costs
/// nothing until tensors are read, and validated on opening exactly as strictly as the reference
/// implementation (see `SafetensorsHeader`).
public struct SafetensorsFile: Sendable {
    public let url: URL
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// The free-form `__metadata__` string map (empty when the file has none).
    public let metadata: [String: String]
    /// Tensor names in file order (by data offset).
    public let tensorNames: [String]
    private let mapping: MappedFile
    private let dataStart: Int

    /// Maps the file at `url` and validates its header. Throws `CheckpointError` naming the file:
    /// `.unreadable` when it cannot be opened, `.corrupt` when it is not a valid safetensors file.
    public init(contentsOf url: URL) throws {
        let path = url.path
        let mapping = try MappedFile(path: path)
        let header = try SafetensorsHeader(parsing: mapping.bytes, path: path)
        self.url = url
        self.mapping = mapping
        self.dataStart = header.dataStart
        self.tensors = header.tensors
        self.metadata = header.metadata
        self.tensorNames = header.orderedNames
    }

    /// Size of the file in bytes.
    public var byteCount: Int { mapping.bytes.count }

    /// Reads one tensor, widened to float32 (see `TensorDataType.isReadableAsFloat` for the types that
    /// can be). Big tensors are converted on all cores.
    public func tensor(named name: String) throws -> Tensor {
        guard let info = tensors[name] else {
            throw CheckpointError.missingTensor(path: url.path, name: name)
        }
        guard info.dataType.isReadableAsFloat else {
            throw CheckpointError.unsupportedDataType(path: url.path, name: name, dataType: info.dataType)
        }
        let bytes = rawBytes(of: info)
        return Tensor(shape: info.shape) { out in
            _ = FloatConversion.widen(bytes, dataType: info.dataType, into: out)
        }
    }

    /// The stored bytes of one tensor, as they are in the file (valid while this file value lives).
    public func withRawBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let info = tensors[name] else {
            throw CheckpointError.missingTensor(path: url.path, name: name)
        }
        return try withExtendedLifetime(mapping) { try body(rawBytes(of: info)) }
    }

    private func rawBytes(of info: TensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(
            rebasing: mapping.bytes[(dataStart + info.dataOffsets.lowerBound)..<(dataStart + info.dataOffsets.upperBound)])
    }
}
