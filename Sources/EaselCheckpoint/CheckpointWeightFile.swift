import EaselTensor
import Foundation

/// One file of weights, whatever its format: a `SafetensorsFile` or a `PyTorchCheckpointFile`.
/// `CheckpointComponent` gathers its tensors through this.
public protocol CheckpointWeightFile: Sendable {
    var url: URL { get }
    /// Size of the file in bytes.
    var byteCount: Int { get }
    /// Every tensor by name.
    var tensors: [String: TensorInfo] { get }
    /// String metadata stored with the weights (safetensors `__metadata__`, a `.ckpt`'s `global_step`).
    var metadata: [String: String] { get }
    /// Reads one tensor, widened to float32.
    func tensor(named name: String) throws -> Tensor
}

extension SafetensorsFile: CheckpointWeightFile {}
