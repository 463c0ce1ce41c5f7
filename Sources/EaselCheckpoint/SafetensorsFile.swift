import EaselTensor
import Foundation

/// Element types a safetensors file may hold that Easel reads (all are widened to float32).
public enum TensorDataType: String, Sendable, CaseIterable {
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: 4
        case .float16, .bfloat16: 2
        }
    }
}

/// Where one tensor lives in a safetensors file.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    public var dataType: TensorDataType
    public var shape: [Int]
    /// Byte range inside the data section (after the header).
    public var dataOffsets: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A `.safetensors` file (the Hugging Face format: an 8-byte little-endian header length, a JSON header,
/// then raw little-endian tensor data), memory-mapped so that opening a multi-gigabyte checkpoint costs
/// nothing until tensors are read.
public struct SafetensorsFile: Sendable {
    public let url: URL
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// The free-form `__metadata__` string map.
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Maps and parses the header of the file at `url`.
    public init(contentsOf url: URL) throws {
        self.url = url
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw CheckpointError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        let header = try SafetensorsHeader(parsing: data, path: url.path)
        self.data = data
        self.dataStart = header.dataStart
        self.tensors = header.tensors
        self.metadata = header.metadata
    }

    /// Tensor names in file order (by data offset).
    public var tensorNames: [String] {
        tensors.values.sorted { $0.dataOffsets.lowerBound < $1.dataOffsets.lowerBound }.map(\.name)
    }

    /// Reads one tensor, widened to float32.
    public func tensor(named name: String) throws -> Tensor {
        guard let info = tensors[name] else {
            throw CheckpointError.missingTensor(path: url.path, name: name)
        }
        let start = dataStart + info.dataOffsets.lowerBound
        let count = info.elementCount
        return data.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(dataStart + info.dataOffsets.upperBound)])
            return Tensor(shape: info.shape) { out in
                FloatConversion.widen(bytes, dataType: info.dataType, count: count, into: out)
            }
        }
    }
}
