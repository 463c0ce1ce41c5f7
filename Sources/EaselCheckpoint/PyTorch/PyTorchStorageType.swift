/// The storage classes named in a storage's persistent id (`torch.FloatStorage`, ...,
/// `torch.UntypedStorage`), and the torch dtypes, mapped to the element types Easel reads.
struct PyTorchStorageType: Equatable {
    /// The class name as torch spells it, e.g. `HalfStorage`.
    var className: String
    /// The element type; `uint8` for untyped (byte) storages.
    var dataType: TensorDataType
    /// Whether this is `UntypedStorage` (bytes, whose tensors say their own dtype).
    var isUntyped: Bool

    /// torch's `_dtype_to_storage_type_map` (torch/storage.py), the typed storages that
    /// `torch.save` names, and the element types Easel knows for them.
    static let typedStorages: [String: TensorDataType] = [
        "DoubleStorage": .float64,
        "FloatStorage": .float32,
        "HalfStorage": .float16,
        "BFloat16Storage": .bfloat16,
        "LongStorage": .int64,
        "IntStorage": .int32,
        "ShortStorage": .int16,
        "CharStorage": .int8,
        "ByteStorage": .uint8,
        "BoolStorage": .bool,
        "ComplexFloatStorage": .complex64,
    ]

    init?(className: String) {
        if className == "UntypedStorage" || className == "_UntypedStorage" {
            self.init(className: className, dataType: .uint8, isUntyped: true)
        } else if let type = Self.typedStorages[className] {
            self.init(className: className, dataType: type, isUntyped: false)
        } else {
            return nil
        }
    }

    private init(className: String, dataType: TensorDataType, isUntyped: Bool) {
        self.className = className
        self.dataType = dataType
        self.isUntyped = isUntyped
    }

    /// The element type of `torch.<name>` for the dtypes Easel can list (`float16`, `half`, ...).
    static func dataType(ofTorchDtype name: String) -> TensorDataType? {
        switch name {
        case "float32", "float": .float32
        case "float16", "half": .float16
        case "bfloat16": .bfloat16
        case "float64", "double": .float64
        case "int64", "long": .int64
        case "int32", "int": .int32
        case "int16", "short": .int16
        case "int8": .int8
        case "uint8": .uint8
        case "uint16": .uint16
        case "uint32": .uint32
        case "uint64": .uint64
        case "bool": .bool
        case "complex64", "cfloat": .complex64
        case "float8_e4m3fn": .float8E4M3
        case "float8_e5m2": .float8E5M2
        case "float8_e4m3fnuz": .float8E4M3FNUZ
        case "float8_e5m2fnuz": .float8E5M2FNUZ
        case "float8_e8m0fnu": .float8E8M0
        default: nil
        }
    }
}

/// A storage as a persistent id names it: `('storage', type, key, location, numel[, view])`.
struct PyTorchStorageReference: Equatable {
    /// The record name: `data/<key>` in a zip archive, the position in the key list of a legacy file.
    var key: String
    var type: PyTorchStorageType
    /// Elements of `type.dataType` (bytes for an untyped storage).
    var elementCount: Int

    /// The storage's size in bytes, or nil on overflow.
    var byteCount: Int? { type.dataType.byteCount(elements: elementCount) }
}
