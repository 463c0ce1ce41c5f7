import Foundation

/// Why a checkpoint or model folder could not be read or written. Every case names the file or folder,
/// so a user knows which one to fix, and says what is wrong with it.
public enum CheckpointError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file system refused (missing, permissions, a folder where a file was expected).
    case unreadable(path: String, reason: String)
    /// The file is not a valid safetensors file (truncated, hostile or not safetensors at all).
    case corrupt(path: String, reason: String)
    /// A tensor that was asked for is not in the file.
    case missingTensor(path: String, name: String)
    /// The tensor is stored in an element type Easel cannot widen to float32.
    case unsupportedDataType(path: String, name: String, dataType: TensorDataType)
    /// A format Easel does not read yet (PyTorch pickle checkpoints).
    case unsupportedFormat(path: String, reason: String)
    /// A folder that is not a model Easel understands (no weights, broken config).
    case invalidModelFolder(path: String, reason: String)
    /// Writing a file failed; nothing was left at the destination.
    case unwritable(path: String, reason: String)
    /// A tensor handed to `SafetensorsWriter` cannot be stored as asked.
    case invalidTensor(name: String, reason: String)
    /// The file is not a PyTorch checkpoint Easel can read (truncated, damaged, or built from pickle
    /// constructs a state dict does not use).
    case invalidPyTorchFile(path: String, reason: String)
    /// A pickle in the file names a Python global that is not on `PickleAllowList`: loading it with
    /// `torch.load(weights_only=False)` could run code. Nothing was called; the file was refused.
    case forbiddenPickleGlobal(path: String, global: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .corrupt(let path, let reason): "\(path) is not a valid safetensors file: \(reason)"
        case .missingTensor(let path, let name): "\(path) has no tensor named '\(name)'"
        case .unsupportedDataType(let path, let name, let dataType):
            "tensor '\(name)' in \(path) is stored as \(dataType.rawValue), which Easel cannot read as float32"
        case .unsupportedFormat(let path, let reason): "\(path): \(reason)"
        case .invalidModelFolder(let path, let reason): "\(path) is not a model folder Easel can read: \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .invalidTensor(let name, let reason): "cannot store tensor '\(name)': \(reason)"
        case .invalidPyTorchFile(let path, let reason): "\(path) is not a PyTorch checkpoint Easel can read: \(reason)"
        case .forbiddenPickleGlobal(let path, let global):
            "\(path) refers to the Python global '\(global)', which is not allowed in a checkpoint (loading it with torch.load could run code); the file was refused and nothing in it was run"
        }
    }

    public var errorDescription: String? { description }
}
