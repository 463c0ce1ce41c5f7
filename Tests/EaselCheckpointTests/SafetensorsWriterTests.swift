import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

@Suite struct SafetensorsWriterTests {
    /// Re-encoding every tensor of a file written by `safetensors.torch.save_file` gives the same bytes:
    /// same tensor order (dtype, then name), same compact JSON, same padding.
    @Test func layoutMatchesTheReferenceWriterByteForByte() throws {
        let url = try fixtureURL("dtypes.safetensors")
        let original = try [UInt8](Data(contentsOf: url))
        let file = try SafetensorsFile(contentsOf: url)
        var writer = SafetensorsWriter(metadata: file.metadata)
        for name in file.tensorNames.reversed() {  // insertion order must not matter
            let info = try #require(file.tensors[name])
            try writer.add(name, dataType: info.dataType, shape: info.shape, bytes: file.withRawBytes(of: name) { [UInt8]($0) })
        }
        let encoded = writer.encoded()
        #expect(encoded.count == original.count)
        #expect(encoded == original)
    }

    @Test func roundTripsFloatTensorsAtEachPrecision() throws {
        let folder = try TemporaryFolder()
        let values: [Float] = [0, -0.0, 1, -2.5, 0.1, 65504, 1e-8, .infinity, 3.0e38]
        let tensor = Tensor(shape: [3, 3], scalars: values)
        var writer = SafetensorsWriter(metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t bell \u{07} é"])
        try writer.add("full", tensor)
        try writer.add("half", tensor, as: .float16)
        try writer.add("brain", tensor, as: .bfloat16)
        try writer.add("we\"ird\\name\u{01}ü", Tensor(shape: [], scalars: [7]))
        let url = folder.url.appendingPathComponent("round.safetensors")
        try writer.write(to: url)
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.metadata == writer.metadata)
        #expect(try file.tensor(named: "full") == tensor)
        #expect(try file.tensor(named: "half").scalars == values.map { Float(Float16($0)) })
        #expect(try file.tensor(named: "brain").scalars
            == values.map { Float(bitPattern: UInt32(FloatConversion.floatToBFloat16Bits($0)) << 16) })
        #expect(try file.tensor(named: "we\"ird\\name\u{01}ü").scalars == [7])
        #expect(file.tensors["half"]?.dataType == .float16)
        // Header padded so the data starts 8-aligned.
        let bytes = try [UInt8](Data(contentsOf: url))
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0)
    }

    @Test func writesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("model.safetensors")
        var writer = SafetensorsWriter()
        try writer.add("a", Tensor(shape: [2], scalars: [1, 2]))
        try writer.write(to: url)
        try writer.add("a", Tensor(shape: [1], scalars: [3]))  // replaces
        try writer.write(to: url)  // over an existing file
        #expect(try SafetensorsFile(contentsOf: url).tensor(named: "a").scalars == [3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["model.safetensors"])

        let nowhere = folder.url.appendingPathComponent("no/such/folder/x.safetensors")
        #expect {
            try writer.write(to: nowhere)
        } throws: { error in
            guard case CheckpointError.unwritable(let path, _) = error else { return false }
            return path == nowhere.path
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["model.safetensors"])
    }

    @Test func refusesTensorsItCannotStore() throws {
        var writer = SafetensorsWriter()
        #expect(throws: CheckpointError.invalidTensor(name: "x", reason: "a float tensor can be stored as F32, F16 or BF16, not I64")) {
            try writer.add("x", Tensor(shape: [1], scalars: [1]), as: .int64)
        }
        #expect(throws: CheckpointError.invalidTensor(name: "__metadata__", reason: "the name is reserved for the metadata map")) {
            try writer.add("__metadata__", Tensor(shape: [1], scalars: [1]))
        }
        #expect(throws: CheckpointError.invalidTensor(name: "y", reason: "shape [2] x I64 does not take 8 bytes")) {
            try writer.add("y", dataType: .int64, shape: [2], bytes: [UInt8](repeating: 0, count: 8))
        }
        #expect(throws: CheckpointError.self) {
            try writer.add("z", dataType: .float32, shape: [-1], bytes: [])
        }
        #expect(writer.tensorNames.isEmpty)
    }
}
