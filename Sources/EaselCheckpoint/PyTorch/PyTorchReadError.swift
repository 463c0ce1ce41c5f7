/// Why reading a PyTorch checkpoint stopped, before the file's path is attached: the readers below work
/// on bytes, and `PyTorchCheckpointFile` turns these into `CheckpointError`s that name the file.
enum PyTorchReadError: Error, Equatable {
    /// The bytes are not what the format allows; the text says what and where.
    case invalid(String)
    /// A pickle names a global that `PickleAllowList` does not allow, written `module.name`.
    case forbiddenGlobal(String)

    func checkpointError(path: String) -> CheckpointError {
        switch self {
        case .invalid(let reason): .invalidPyTorchFile(path: path, reason: reason)
        case .forbiddenGlobal(let global): .forbiddenPickleGlobal(path: path, global: global)
        }
    }
}
