import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

/// Every stored element type widens to float32 exactly as PyTorch's `tensor.to(torch.float32)` does
/// (`dtypes.safetensors`: each tensor beside PyTorch's float32 copy of it). Tolerance: none; bits must
/// match (NaN matches any NaN).
@Suite struct SafetensorsDataTypeTests {
    static let pairs = [
        "f32", "f16", "bf16", "f8_e4m3", "f8_e5m2", "f64", "i64", "position_ids", "i32", "i16", "i8", "u8", "u16",
        "u32", "u64", "bool", "scalar", "empty",
    ]

    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.isNaN ? $1.isNaN : $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: pairs) func widensAsPyTorch(_ name: String) throws {
        let fixture = try ReferenceFixture("dtypes.safetensors", in: .module)
        let stored = try fixture.tensor(name)
        let expected = try fixture.tensor(name + "_as_f32")
        #expect(stored.shape == expected.shape)
        #expect(Self.sameBits(stored.scalars, expected.scalars), "\(name): \(stored) vs \(expected)")
        #expect(fixture.file.tensors[name + "_as_f32"]?.dataType == .float32)
    }

    @Test func float32ValuesAreReadAsStored() throws {
        let f32 = try ReferenceFixture("dtypes.safetensors", in: .module).tensor("f32")
        #expect(f32.shape == [3, 5])
        let known: [Float] = [0.1, -2.5, Float(1e-40 as Double), 3.4e38, .infinity, -0.0]  // 1e-40: a subnormal
        #expect(Self.sameBits(Array(f32.scalars.prefix(6)), known))
    }

    @Test func fixtureHoldsTheTypesItClaims() throws {
        let file = try ReferenceFixture("dtypes.safetensors", in: .module).file
        let types: [String: TensorDataType] = [
            "f32": .float32, "f16": .float16, "bf16": .bfloat16, "f8_e4m3": .float8E4M3, "f8_e5m2": .float8E5M2,
            "f64": .float64, "i64": .int64, "position_ids": .int64, "i32": .int32, "i16": .int16, "i8": .int8,
            "u8": .uint8, "u16": .uint16, "u32": .uint32, "u64": .uint64, "bool": .bool, "scalar": .float16, "empty": .float16,
        ]
        for (name, type) in types { #expect(file.tensors[name]?.dataType == type, "\(name)") }
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors["position_ids"]?.shape == [1, 77])
        #expect(file.tensors["scalar"]?.shape == [])
    }

    /// All 65,536 halves against the standard library's IEEE conversion (widening is exact, so any
    /// correct conversion agrees bit for bit).
    @Test func halfWideningIsExactForEveryBitPattern() {
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = Float(bitPattern: FloatConversion.halfToFloatBits(bits))
            if expected.isNaN {
                #expect(actual.isNaN, "half 0x\(String(bits, radix: 16))")
                // NaN payload and sign survive, as in PyTorch's bit-level conversion.
                #expect(actual.bitPattern & 0x807F_E000 == (UInt32(bits & 0x8000) << 16) | (UInt32(bits & 0x03FF) << 13))
            } else {
                #expect(actual.bitPattern == expected.bitPattern, "half 0x\(String(bits, radix: 16))")
            }
        }
    }

    /// A tensor big enough to be split across threads converts the same as element by element.
    @Test func parallelWideningMatchesSerial() throws {
        let count = 3 * FloatConversion.parallelGrain + 17
        var bytes = [UInt8](repeating: 0, count: 2 * count)
        for i in 0..<count {
            let bits = UInt16(truncatingIfNeeded: i &* 40503)
            bytes[2 * i] = UInt8(truncatingIfNeeded: bits)
            bytes[2 * i + 1] = UInt8(truncatingIfNeeded: bits >> 8)
        }
        var writer = SafetensorsWriter()
        try writer.add("big", dataType: .float16, shape: [count], bytes: bytes)
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("big.safetensors")
        try writer.write(to: url)
        let tensor = try SafetensorsFile(contentsOf: url).tensor(named: "big")
        let expected = (0..<count).map { Float(Float16(bitPattern: UInt16(truncatingIfNeeded: $0 &* 40503))) }
        #expect(Self.sameBits(tensor.scalars, expected))
    }

    /// Narrowing for the writer rounds as PyTorch: PyTorch's F16/BF16 values of the fixture come back
    /// bit for bit from their float32 copies.
    @Test func narrowingReproducesPyTorchRounding() throws {
        let file = try ReferenceFixture("dtypes.safetensors", in: .module).file
        for (name, type) in [("f16", TensorDataType.float16), ("bf16", .bfloat16)] {
            let wide = try file.tensor(named: name + "_as_f32")
            let narrowed = try #require(wide.withUnsafeBufferPointer { FloatConversion.narrow($0, to: type) })
            let stored = try file.withRawBytes(of: name) { [UInt8]($0) }
            #expect(narrowed.count == stored.count)
            for i in 0..<(stored.count / 2) {
                let a = UInt16(narrowed[2 * i]) | UInt16(narrowed[2 * i + 1]) << 8
                let b = UInt16(stored[2 * i]) | UInt16(stored[2 * i + 1]) << 8
                let isNaN = wide.scalars[i].isNaN
                #expect(isNaN || a == b, "\(name)[\(i)]: 0x\(String(a, radix: 16)) vs 0x\(String(b, radix: 16))")
            }
        }
        // Rounding of values that are not representable (ties to even), against c10's rules.
        #expect(FloatConversion.floatToBFloat16Bits(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie, even stays
        #expect(FloatConversion.floatToBFloat16Bits(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie, odd rounds up
        #expect(FloatConversion.floatToBFloat16Bits(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(FloatConversion.floatToBFloat16Bits(.nan) == 0x7FC0)
    }

    @Test func dataTypeSizes() {
        #expect(TensorDataType.allCases.count == 22)
        #expect(TensorDataType.float4.byteCount(elements: 4) == 2)
        #expect(TensorDataType.float4.byteCount(elements: 3) == nil)
        #expect(TensorDataType.float6E2M3.byteCount(elements: 4) == 3)
        #expect(TensorDataType.int64.byteCount(elements: Int.max) == nil)
        #expect(TensorDataType.float16.byteSize == 2)
        #expect(TensorDataType.int64.isFloatingPoint == false)
        #expect(TensorDataType.allCases.filter { !$0.isReadableAsFloat }.map(\.rawValue)
            == ["F4", "F6_E2M3", "F6_E3M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "C64"])
    }
}
