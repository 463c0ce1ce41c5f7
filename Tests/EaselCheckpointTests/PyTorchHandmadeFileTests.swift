import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

/// Legacy-layout files assembled opcode by opcode, for the tensor views torch itself never writes:
/// each must read correctly or be refused with a reason, never read outside its storage.
@Suite struct PyTorchHandmadeFileTests {
    /// A legacy torch.save file holding `{"t": tensor}`, the tensor rebuilt by `rebuild` over storage
    /// "0" (`storageClass`, `declared` elements in its persistent id) whose record holds `stored`
    /// float32 values 0, 1, 2, ...
    static func legacyFile(
        rebuild: String = "_rebuild_tensor_v2", storageClass: String = "FloatStorage", declared: Int, stored: Int,
        offset: Int, sizes: [Int], strides: [Int], dtype: String? = nil
    ) -> [UInt8] {
        func text(_ s: String) -> [UInt8] { [0x58] + le32(s.utf8.count) + Array(s.utf8) }
        func int(_ n: Int) -> [UInt8] { [0x4A] + le32(n) }
        func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }
        func tuple(_ items: [Int]) -> [UInt8] { [0x28] + items.flatMap(int) + [0x74] }
        let persistentID = [0x28] + text("storage") + global("torch", storageClass) + text("0") + text("cpu") + int(declared) + [0x74, 0x51]
        var arguments = persistentID + int(offset) + tuple(sizes) + tuple(strides) + [0x89]
        arguments += global("collections", "OrderedDict") + [0x29, 0x52]
        if let dtype { arguments += global("torch", dtype) }
        let tensor = global("torch._utils", rebuild) + [0x28] + arguments + [0x74, 0x52]
        let data: [UInt8] = [0x80, 0x02, 0x7D] + text("t") + tensor + [0x73, 0x2E]
        let keys: [UInt8] = [0x80, 0x02, 0x5D] + text("0") + [0x61, 0x2E]
        var record = le64(stored)
        for i in 0..<stored { record += le32(Int(Float(i).bitPattern)) }
        return PyTorchHostileTests.legacyHeader + data + keys + record
    }

    static func le32(_ n: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }
    static func le64(_ n: Int) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }

    func open(_ bytes: [UInt8]) throws -> (PyTorchCheckpointFile, URL, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let url = try folder.write(bytes, to: "handmade.pth")
        return (try PyTorchCheckpointFile(contentsOf: url), url, folder)
    }

    func expectRefusal(_ bytes: [UInt8], saying reason: String) throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(bytes, to: "handmade.pth")
        #expect {
            try PyTorchCheckpointFile(contentsOf: url)
        } throws: { error in
            guard case .invalidPyTorchFile(let path, let message) = error as? CheckpointError else { return false }
            return path == url.path && message.contains(reason)
        }
    }

    @Test func offsetTransposedViewReadsAsTorchWould() throws {
        // torch.arange(8.)[2:].as_strided((2, 3), (1, 2)) = [[2, 4, 6], [3, 5, 7]]
        let (file, _, folder) = try open(Self.legacyFile(declared: 8, stored: 8, offset: 2, sizes: [2, 3], strides: [1, 2]))
        _ = folder
        #expect(file.layout == .legacy)
        #expect(try file.tensor(named: "t").scalars == [2, 4, 6, 3, 5, 7])
        #expect(file.tensors["t"]?.dataType == .float32)
    }

    @Test func viewsOutsideTheirStorageAreRefused() throws {
        try expectRefusal(
            Self.legacyFile(declared: 8, stored: 8, offset: 2, sizes: [2, 4], strides: [1, 2]),
            saying: "reaches element 9 of storage '0', which has 8")
        // _rebuild_tensor_v3 reading a float storage as float64: 4 floats hold only 2 doubles.
        try expectRefusal(
            Self.legacyFile(rebuild: "_rebuild_tensor_v3", declared: 4, stored: 4, offset: 0, sizes: [3], strides: [1], dtype: "float64"),
            saying: "reaches element 2 of storage '0', which has 2")
        // A broadcast asking for 2^40 elements of a one-element storage.
        try expectRefusal(
            Self.legacyFile(declared: 1, stored: 1, offset: 0, sizes: [1 << 20, 1 << 20], strides: [0, 0]),
            saying: "a tensor of 1099511627776 elements")
        // The persistent id claims more elements than the file holds.
        try expectRefusal(
            Self.legacyFile(declared: 8, stored: 4, offset: 0, sizes: [8], strides: [1]),
            saying: "tensor 't' needs 32 bytes of storage '0' but the file holds 16")
        try expectRefusal(
            Self.legacyFile(declared: 8, stored: 8, offset: -1, sizes: [2], strides: [1]),
            saying: "negative size, stride or storage offset")
        try expectRefusal(
            Self.legacyFile(declared: 8, stored: 8, offset: 0, sizes: [2, 2], strides: [1]),
            saying: "2 sizes but 1 strides")
        try expectRefusal(
            Self.legacyFile(storageClass: "UntypedStorage", declared: 8, stored: 8, offset: 0, sizes: [2], strides: [1]),
            saying: "untyped storage, which has no element type")
    }

    @Test func broadcastViewsWithinTheBoundRead() throws {
        let (file, _, folder) = try open(Self.legacyFile(declared: 4, stored: 4, offset: 3, sizes: [2, 3], strides: [0, 0]))
        _ = folder
        #expect(try file.tensor(named: "t").scalars == [3, 3, 3, 3, 3, 3])
    }
}
