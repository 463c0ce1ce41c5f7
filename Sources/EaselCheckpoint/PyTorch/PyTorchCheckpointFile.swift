import EaselTensor
import Foundation

/// A PyTorch checkpoint (`.ckpt`, `.pt`, `.pth`, `.bin`) opened safely: the tensors of the state dict
/// it holds, read without running Python and without letting the file run anything.
///
/// Matches what `torch.load(path, weights_only=True)` returns for a state dict (then unwrapped as
/// `PyTorchStateDict` describes), for both layouts torch writes: the zip archive (`PyTorchZipLayout`)
/// and the legacy stream (`PyTorchLegacyLayout`). The pickle is interpreted by `PickleMachine`, which
/// refuses every global not on `PickleAllowList` with `CheckpointError.forbiddenPickleGlobal`.
/// The file is memory-mapped and tensors are read on demand, so opening a multi-gigabyte `.ckpt` reads
/// only its pickle.
public struct PyTorchCheckpointFile: CheckpointWeightFile {
    public enum Layout: Sendable, Equatable {
        /// `torch.save`'s default since PyTorch 1.6; `archiveName` is the folder inside the zip.
        case zip(archiveName: String)
        /// `_use_new_zipfile_serialization=False`.
        case legacy
    }

    public let url: URL
    public let layout: Layout
    /// Every tensor by name. `dataOffsets` is the absolute byte range in the file from the tensor's
    /// first to its last element (for a strided view, more than its own elements).
    public let tensors: [String: TensorInfo]
    /// Tensor names in the order the pickle lists them.
    public let tensorNames: [String]
    /// Numbers and strings beside the weights, e.g. `global_step` and `epoch` of a Lightning `.ckpt`.
    public let metadata: [String: String]
    private let records: [String: PyTorchTensorRecord]
    private let storageRanges: [String: Range<Int>]
    private let mapping: MappedFile

    /// Maps the file at `url` and reads its pickle. Throws `CheckpointError` naming the file:
    /// `.unreadable` when it cannot be opened, `.forbiddenPickleGlobal` when its pickle names a global
    /// that could run code, `.invalidPyTorchFile` when it is damaged or not a torch.save file.
    public init(contentsOf url: URL) throws {
        let path = url.path
        let mapping = try MappedFile(path: path)
        let bytes = mapping.bytes
        do {
            let root: PickleValue
            let heap: PickleHeap
            let ranges: [String: Range<Int>]
            if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B, bytes[2] == 0x03, bytes[3] == 0x04 {
                let zip = try PyTorchZipLayout(bytes)
                (root, heap, ranges) = (zip.root, zip.heap, zip.storageRanges)
                layout = .zip(archiveName: zip.archiveName)
            } else if bytes.count >= 2, bytes[0] == 0x80 {
                let legacy = try PyTorchLegacyLayout(bytes)
                (root, heap, ranges) = (legacy.root, legacy.heap, legacy.storageRanges)
                layout = .legacy
            } else {
                throw PyTorchReadError.invalid("it is neither a zip archive nor a pickle (the two layouts torch.save writes)")
            }
            let contents = try PyTorchStateDict.contents(of: root, heap: heap)
            var infos: [String: TensorInfo] = [:]
            var records: [String: PyTorchTensorRecord] = [:]
            for (name, record) in contents.tensors {
                // The view was checked against the storage size its persistent id claims; check that
                // size against the bytes the file really holds.
                guard let range = ranges[record.storage.key], let needed = record.storage.byteCount, needed <= range.count else {
                    throw PyTorchReadError.invalid(
                        "tensor '\(name)' needs \(record.storage.byteCount ?? 0) bytes of storage '\(record.storage.key)' but the file holds \(ranges[record.storage.key]?.count ?? 0)")
                }
                let span = record.byteSpan
                infos[name] = TensorInfo(
                    name: name, dataType: record.dataType, shape: record.shape,
                    dataOffsets: (range.lowerBound + span.lowerBound)..<(range.lowerBound + span.upperBound))
                records[name] = record
            }
            self.tensors = infos
            self.records = records
            self.tensorNames = contents.tensors.map(\.name)
            self.metadata = contents.metadata
            self.storageRanges = ranges
        } catch let error as PyTorchReadError {
            throw error.checkpointError(path: path)
        }
        self.url = url
        self.mapping = mapping
    }

    /// Size of the file in bytes.
    public var byteCount: Int { mapping.bytes.count }

    /// The view a tensor is: storage offset (elements), sizes and strides, as torch reports them.
    public func view(of name: String) -> (storageOffset: Int, shape: [Int], strides: [Int])? {
        records[name].map { ($0.storageOffset, $0.shape, $0.strides) }
    }

    /// Reads one tensor, widened to float32 as `tensor.to(torch.float32)` does; views are copied out
    /// in row-major order.
    public func tensor(named name: String) throws -> Tensor {
        guard let record = records[name], let range = storageRanges[record.storage.key] else {
            throw CheckpointError.missingTensor(path: url.path, name: name)
        }
        guard record.dataType.isReadableAsFloat else {
            throw CheckpointError.unsupportedDataType(path: url.path, name: name, dataType: record.dataType)
        }
        return withExtendedLifetime(mapping) {
            record.withElementBytes(in: UnsafeRawBufferPointer(rebasing: mapping.bytes[range])) { elements in
                Tensor(shape: record.shape) { out in
                    _ = FloatConversion.widen(elements, dataType: record.dataType, into: out)
                }
            }
        }
    }
}
