import EaselTensor

/// Conversions between the element types stored in safetensors files and float32, bit-for-bit as
/// PyTorch does them (`tensor.to(torch.float32)` when reading, `tensor.to(torch.float16/bfloat16)` when
/// writing). All stored data is little-endian, which is also the byte order of every machine Easel
/// targets.
enum FloatConversion {
    /// Elements per thread below which a conversion runs on the calling thread.
    static let parallelGrain = 1 << 18

    /// Converts the `out.count` elements of `dataType` in `bytes` to float32. Returns false (writing
    /// nothing) for the types `TensorDataType.isReadableAsFloat` excludes.
    static func widen(_ bytes: UnsafeRawBufferPointer, dataType: TensorDataType, into out: UnsafeMutableBufferPointer<Float>) -> Bool {
        guard dataType.isReadableAsFloat else { return false }
        guard let source = bytes.baseAddress, let destination = out.baseAddress else { return true }  // no elements
        let src = UncheckedSendable(source)
        let dst = UncheckedSendable(destination)
        Parallel.forEach(out.count, grain: parallelGrain) { range in
            widen(src.value, dataType: dataType, range: range, into: dst.value)
        }
        return true
    }

    /// Converts elements `range` of `source` into the same positions of `out`.
    private static func widen(
        _ source: UnsafeRawPointer, dataType: TensorDataType, range: Range<Int>, into out: UnsafeMutablePointer<Float>
    ) {
        switch dataType {
        case .float32:
            UnsafeMutableRawPointer(out + range.lowerBound).copyMemory(
                from: source + 4 * range.lowerBound, byteCount: 4 * range.count)
        case .float16:
            for i in range {
                out[i] = Float(bitPattern: halfToFloatBits(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bfloat16:
            for i in range {
                out[i] = Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        case .float8E5M2:
            // E5M2 is the upper byte of an IEEE half.
            for i in range {
                out[i] = Float(bitPattern: halfToFloatBits(UInt16(source.load(fromByteOffset: i, as: UInt8.self)) << 8))
            }
        case .float8E4M3:
            for i in range { out[i] = float8E4M3Table[Int(source.load(fromByteOffset: i, as: UInt8.self))] }
        case .float64:
            for i in range { out[i] = Float(Double(bitPattern: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
        case .bool:
            for i in range { out[i] = source.load(fromByteOffset: i, as: UInt8.self) == 0 ? 0 : 1 }
        case .uint8: widenIntegers(source, as: UInt8.self, range: range, into: out)
        case .int8: widenIntegers(source, as: Int8.self, range: range, into: out)
        case .int16: widenIntegers(source, as: Int16.self, range: range, into: out)
        case .uint16: widenIntegers(source, as: UInt16.self, range: range, into: out)
        case .int32: widenIntegers(source, as: Int32.self, range: range, into: out)
        case .uint32: widenIntegers(source, as: UInt32.self, range: range, into: out)
        case .int64: widenIntegers(source, as: Int64.self, range: range, into: out)
        case .uint64: widenIntegers(source, as: UInt64.self, range: range, into: out)
        case .float4, .float6E2M3, .float6E3M2, .float8E8M0, .float8E4M3FNUZ, .float8E5M2FNUZ, .complex64:
            break  // excluded by isReadableAsFloat
        }
    }

    /// Integers round to the nearest float32 (ties to even), as a C++ `static_cast<float>` does.
    private static func widenIntegers<T: FixedWidthInteger>(
        _ source: UnsafeRawPointer, as type: T.Type, range: Range<Int>, into out: UnsafeMutablePointer<Float>
    ) {
        for i in range {
            out[i] = Float(T(littleEndian: source.loadUnaligned(fromByteOffset: MemoryLayout<T>.size * i, as: T.self)))
        }
    }

    /// The float32 bit pattern of an IEEE half, exactly (subnormals, infinities and NaN payloads included).
    ///
    /// Branch-free, so the compiler vectorises the loop above: rebias the exponent of normal numbers by
    /// adding (127 - 15) << 23 to the shifted bits, add it once more for infinities and NaNs (exponent
    /// 31 -> 255), and compute zeros and subnormals (m x 2^-24, exact in float32) with one multiply.
    @inline(__always)
    static func halfToFloatBits(_ half: UInt16) -> UInt32 {
        let h = UInt32(half)
        let sign = (h & 0x8000) << 16
        let magnitude = h & 0x7FFF
        let normal = (magnitude << 13) &+ 0x3800_0000
        let special = normal &+ 0x3800_0000
        let subnormal = (Float(Int32(bitPattern: magnitude)) * 0x1p-24).bitPattern
        let bits = magnitude >= 0x7C00 ? special : (magnitude < 0x0400 ? subnormal : normal)
        return bits | sign
    }

    /// All 256 values of `torch.float8_e4m3fn` (bias 7, no infinities; S.1111.111 is NaN).
    static let float8E4M3Table: [Float] = (0..<256).map { code in
        let sign: Float = code & 0x80 != 0 ? -1 : 1
        let exponent = (code >> 3) & 0xF
        let mantissa = Float(code & 0x7)
        if exponent == 0xF && code & 0x7 == 0x7 { return code & 0x80 != 0 ? -Float.nan : Float.nan }
        if exponent == 0 { return sign * mantissa * 0x1p-9 }  // subnormal: m/8 x 2^-6
        return sign * (1 + mantissa / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
    }

    /// Narrows float32 values to the stored bytes of `dataType` (F32, F16 or BF16), rounding to nearest
    /// even as PyTorch does. Returns nil for other types.
    static func narrow(_ values: UnsafeBufferPointer<Float>, to dataType: TensorDataType) -> [UInt8]? {
        switch dataType {
        case .float32:
            return [UInt8](UnsafeRawBufferPointer(values))
        case .float16:
            return littleEndianBytes(values.map { Float16($0).bitPattern })
        case .bfloat16:
            return littleEndianBytes(values.map(floatToBFloat16Bits))
        default:
            return nil
        }
    }

    /// `c10::BFloat16`'s conversion: round to nearest even; any NaN becomes the quiet NaN 0x7FC0.
    static func floatToBFloat16Bits(_ value: Float) -> UInt16 {
        if value.isNaN { return 0x7FC0 }
        let bits = value.bitPattern
        let roundingBias = ((bits >> 16) & 1) + 0x7FFF
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    private static func littleEndianBytes(_ words: [UInt16]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 2 * words.count)
        for (i, word) in words.enumerated() {
            bytes[2 * i] = UInt8(truncatingIfNeeded: word)
            bytes[2 * i + 1] = UInt8(truncatingIfNeeded: word >> 8)
        }
        return bytes
    }
}
