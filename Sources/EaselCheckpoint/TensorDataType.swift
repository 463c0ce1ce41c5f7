/// The element types a safetensors header may name: exactly the `Dtype` list of the reference
/// implementation (the `safetensors` Rust crate, 0.8), spelled as it spells them.
///
/// Every one of them parses, so a file that the reference accepts also opens here (old CLIP files carry
/// an `I64` `position_ids`, fp8 checkpoints exist). Reading a tensor as float32 (`isReadableAsFloat`)
/// works for every real and integer type, converting as PyTorch's `tensor.to(torch.float32)` does; the
/// sub-byte floats (F4, F6), the exponent-only scale type F8_E8M0, the FNUZ fp8 variants and complex
/// C64 can be listed but not read.
public enum TensorDataType: String, Sendable, CaseIterable, Comparable {
    case bool = "BOOL"
    case float4 = "F4"
    case float6E2M3 = "F6_E2M3"
    case float6E3M2 = "F6_E3M2"
    case uint8 = "U8"
    case int8 = "I8"
    case float8E5M2 = "F8_E5M2"
    case float8E4M3 = "F8_E4M3"
    case float8E8M0 = "F8_E8M0"
    case float8E4M3FNUZ = "F8_E4M3FNUZ"
    case float8E5M2FNUZ = "F8_E5M2FNUZ"
    case int16 = "I16"
    case uint16 = "U16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int32 = "I32"
    case uint32 = "U32"
    case float32 = "F32"
    case complex64 = "C64"
    case float64 = "F64"
    case int64 = "I64"
    case uint64 = "U64"

    /// Bits per element (4 and 6 for the packed sub-byte floats).
    public var bitWidth: Int {
        switch self {
        case .float4: 4
        case .float6E2M3, .float6E3M2: 6
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0, .float8E4M3FNUZ, .float8E5M2FNUZ: 8
        case .int16, .uint16, .float16, .bfloat16: 16
        case .int32, .uint32, .float32: 32
        case .complex64, .float64, .int64, .uint64: 64
        }
    }

    /// Bytes per element for the whole-byte types; the sub-byte types answer 1 (use `byteCount(elements:)`).
    public var byteSize: Int { max(1, bitWidth / 8) }

    /// Bytes that `elements` elements occupy, or nil when that overflows or, for a sub-byte type, does not
    /// end on a byte boundary (the reference rejects both).
    public func byteCount(elements: Int) -> Int? {
        let (bits, overflow) = elements.multipliedReportingOverflow(by: bitWidth)
        guard !overflow, bits % 8 == 0 else { return nil }
        return bits / 8
    }

    /// Whether `SafetensorsFile.tensor(named:)` can widen this type to float32.
    public var isReadableAsFloat: Bool {
        switch self {
        case .float4, .float6E2M3, .float6E3M2, .float8E8M0, .float8E4M3FNUZ, .float8E5M2FNUZ, .complex64: false
        default: true
        }
    }

    /// Whether the type holds real floating-point numbers (weights), as opposed to integers, booleans
    /// (buffers such as `position_ids`) or complex numbers. Parameter counts count only these.
    public var isFloatingPoint: Bool {
        switch self {
        case .float4, .float6E2M3, .float6E3M2, .float8E5M2, .float8E4M3, .float8E8M0, .float8E4M3FNUZ,
            .float8E5M2FNUZ, .float16, .bfloat16, .float32, .float64:
            true
        default: false
        }
    }

    /// The reference's order (by alignment, then as listed), which its writer sorts tensors by.
    public static func < (a: TensorDataType, b: TensorDataType) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}
