/// A Python global that a checkpoint pickle may name, resolved to what Easel does with it. Nothing
/// here is ever called: each case is interpreted by `PickleMachine` as data.
enum PickleGlobal: Equatable {
    /// `collections.OrderedDict`: a state dict; becomes a dict.
    case orderedDict
    /// `torch._utils._rebuild_tensor` (storage, offset, size, stride).
    case rebuildTensor
    /// `torch._utils._rebuild_tensor_v2` (storage, offset, size, stride, requires_grad, hooks[, metadata]).
    case rebuildTensorV2
    /// `torch._utils._rebuild_tensor_v3` (... hooks, dtype[, metadata]): the dtypes torch saves in an
    /// untyped storage (float8, uint16-64).
    case rebuildTensorV3
    /// `torch._utils._rebuild_parameter` / `_rebuild_parameter_with_state`: an `nn.Parameter` around
    /// the tensor in its first argument.
    case rebuildParameter
    /// `torch.FloatStorage` and friends (element type; also `torch.cuda.*`), `torch.UntypedStorage`
    /// (bytes): the type slot of a storage's persistent id.
    case storageType(PyTorchStorageType)
    /// `torch.float16` and friends, as `_rebuild_tensor_v3` receives them.
    case dtype(TensorDataType)
    /// `torch.Size`: a tuple.
    case torchSize
    /// A harmless class or function whose results are kept as inert `PickleValue.object`s.
    case inert(String)

    /// `module.name`.
    var name: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensor: "torch._utils._rebuild_tensor"
        case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
        case .rebuildTensorV3: "torch._utils._rebuild_tensor_v3"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .storageType(let type): "torch.\(type.className)"
        case .dtype(let type): "torch.\(type.rawValue)"
        case .torchSize: "torch.Size"
        case .inert(let name): name
        }
    }
}

/// The globals a checkpoint pickle may name; every other one is refused with
/// `PyTorchReadError.forbiddenGlobal`, naming it, before anything else in the file is looked at.
///
/// This is the safety of the reader: a pickle can only run code through the globals it imports
/// (`os.system`, `builtins.eval`, `subprocess.Popen` reached by REDUCE, BUILD or NEWOBJ), and here no
/// global is ever imported or called. The allowed ones are the pieces of a state dict (as in
/// `torch.load(weights_only=True)`) and, turned into inert objects, the few classes that SD training
/// checkpoints carry beside the weights: the A1111 web UI's `modules/safe.py` allow-list (PyTorch
/// Lightning's `ModelCheckpoint` callback, numpy scalars and arrays in its state, `_codecs.encode`
/// that pickles their bytes, `set`). Their contents are dropped, so tensors inside them are not listed.
enum PickleAllowList {
    /// Classes and functions whose results become inert objects, by `module.name`.
    static let inertGlobals: Set<String> = [
        "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint",
        "pytorch_lightning.callbacks.model_checkpoint",
        "lightning.pytorch.callbacks.model_checkpoint.ModelCheckpoint",
        "numpy.core.multiarray.scalar",
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray.scalar",
        "numpy._core.multiarray._reconstruct",
        "numpy.dtype",
        "numpy.ndarray",
        "_codecs.encode",
        "builtins.set",
        "__builtin__.set",
        "builtins.frozenset",
        "torch.nn.modules.container.ParameterDict",
    ]

    /// The meaning of global `module.name`, or nil when it is not allowed.
    static func resolve(module: String, name: String) -> PickleGlobal? {
        switch (module, name) {
        case ("collections", "OrderedDict"): return .orderedDict
        case ("torch._utils", "_rebuild_tensor"): return .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor_v3"): return .rebuildTensorV3
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            return .rebuildParameter
        case ("torch", "Size"): return .torchSize
        case ("torch", _), ("torch.storage", _), ("torch.cuda", _):
            // `torch.cuda.FloatStorage` and friends name the storages of old legacy files saved from a
            // GPU; the bytes are the same, and the location is ignored (everything is read to the CPU).
            if let type = PyTorchStorageType(className: name) { return .storageType(type) }
            if module == "torch", let dtype = PyTorchStorageType.dataType(ofTorchDtype: name) { return .dtype(dtype) }
            return nil
        default:
            let full = module + "." + name
            return inertGlobals.contains(full) ? .inert(full) : nil
        }
    }
}
