import EaselTensor
import Foundation

/// One set of weights inside a model: a diffusers component folder (`unet/`, `vae/`, a ControlNet
/// folder), its weights possibly split over shards, or one single `.safetensors` or PyTorch checkpoint
/// (`.ckpt`, `.pth`, ...) file.
public struct CheckpointComponent: Sendable {
    /// The component's name: the folder name (`unet`, `text_encoder`) or the file name for a single file.
    public let name: String
    /// The class that made it, from `config.json` (`_class_name`, or transformers' `architectures`) or
    /// `model_index.json`; nil for single files.
    public let className: String?
    /// The weight files read (several for sharded weights): `SafetensorsFile`s or `PyTorchCheckpointFile`s.
    public let files: [any CheckpointWeightFile]
    /// The diffusers variant of the files read (`fp16` for `*.fp16.safetensors`), nil for the default.
    public let variant: String?
    /// Other variants present beside the one read.
    public let otherVariants: [String]
    /// Every tensor, across all files, in listing order (numbers in names compare as numbers).
    public let tensors: [TensorInfo]
    /// Elements of the floating-point tensors (integer buffers such as `position_ids` are not parameters).
    public let parameterCount: Int
    /// The known networks found in the tensors (several for a full single-file SD checkpoint).
    public let identifications: [ModelIdentification]
    /// Tensors that belong to none of `identifications` (e.g. `betas`, `model_ema.*` in old checkpoints).
    public let unclaimedTensorNames: [String]
    private let fileIndexByName: [String: Int]

    /// Gathers the tensors of `files`; a name in two files is an error naming both.
    init(name: String, className: String?, files: [any CheckpointWeightFile], variant: String?, otherVariants: [String]) throws {
        var index: [String: Int] = [:]
        var all: [String: TensorInfo] = [:]
        for (fileIndex, file) in files.enumerated() {
            for (tensorName, info) in file.tensors {
                if let other = index[tensorName] {
                    throw CheckpointError.invalidModelFolder(
                        path: file.url.deletingLastPathComponent().path,
                        reason: "tensor '\(tensorName)' is in both \(files[other].url.lastPathComponent) and \(file.url.lastPathComponent)")
                }
                index[tensorName] = fileIndex
                all[tensorName] = info
            }
        }
        self.name = name
        self.className = className
        self.files = files
        self.variant = variant
        self.otherVariants = otherVariants
        self.fileIndexByName = index
        self.tensors = all.values.sorted { TensorInfo.listingOrder($0.name, $1.name) }
        self.parameterCount = tensors.reduce(0) { $0 + ($1.dataType.isFloatingPoint ? $1.elementCount : 0) }
        let identifications = ModelIdentifier.identify(all)
        self.identifications = identifications
        self.unclaimedTensorNames = tensors.map(\.name).filter { name in
            !identifications.contains { name.hasPrefix($0.keyPrefix) }
        }
    }

    /// Reads one tensor, widened to float32, from whichever file holds it.
    public func tensor(named name: String) throws -> Tensor {
        guard let fileIndex = fileIndexByName[name] else {
            throw CheckpointError.missingTensor(path: files.first?.url.path ?? self.name, name: name)
        }
        return try files[fileIndex].tensor(named: name)
    }

    /// The file that holds tensor `name`.
    public func file(holding name: String) -> (any CheckpointWeightFile)? {
        fileIndexByName[name].map { files[$0] }
    }
}
