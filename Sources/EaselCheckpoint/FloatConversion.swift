/// Widening of stored element types to float32.
enum FloatConversion {
    /// Converts `count` little-endian elements of `dataType` from `bytes` into `out`.
    static func widen(
        _ bytes: UnsafeRawBufferPointer, dataType: TensorDataType, count: Int, into out: UnsafeMutableBufferPointer<Float>
    ) {
        switch dataType {
        case .float32:
            for i in 0..<count {
                out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .float16:
            for i in 0..<count {
                out[i] = Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            }
        case .bfloat16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                out[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        }
    }
}
