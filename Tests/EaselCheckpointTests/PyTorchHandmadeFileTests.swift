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
        let data = statePickle(
            rebuild: rebuild, storageClass: storageClass, declared: declared, offset: offset, sizes: sizes, strides: strides,
            dtype: dtype)
        let keys: [UInt8] = [0x80, 0x02, 0x5D, 0x58] + le32(1) + Array("0".utf8) + [0x61, 0x2E]
        return PyTorchHostileTests.legacyHeader + data + keys + le64(stored) + floats(stored)
    }

    /// float32 values 0, 1, 2, ... as stored bytes.
    static func floats(_ count: Int) -> [UInt8] { (0..<count).flatMap { le32(Int(Float($0).bitPattern)) } }

    /// The pickle of `{"t": tensor}` for `legacyFile`.
    static func statePickle(
        rebuild: String = "_rebuild_tensor_v2", storageClass: String = "FloatStorage", declared: Int,
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
        return [0x80, 0x02, 0x7D] + text("t") + tensor + [0x73, 0x2E]
    }

    static func le16(_ n: Int) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }

    /// A zip archive of stored entries as torch's writer (miniz) lays it out; with `zip64`, every size
    /// and offset goes through the ZIP64 extra fields and end records, as in a checkpoint over 4 GiB.
    static func zipArchive(_ entries: [(name: String, data: [UInt8])], zip64: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count
            let size32 = zip64 ? 0xFFFF_FFFF : data.count
            let localExtra = zip64 ? le16(1) + le16(16) + le64(data.count) + le64(data.count) : []
            out += le32(0x0403_4B50) + le16(zip64 ? 45 : 20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(0)
            out += le32(size32) + le32(size32) + le16(name.utf8.count) + le16(localExtra.count) + Array(name.utf8) + localExtra
            out += data
            let extra = zip64 ? le16(1) + le16(24) + le64(data.count) + le64(data.count) + le64(offset) : []
            central += le32(0x0201_4B50) + le16(45) + le16(zip64 ? 45 : 20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(0)
            central += le32(size32) + le32(size32) + le16(name.utf8.count) + le16(extra.count) + le16(0) + le16(0) + le16(0) + le32(0)
            central += le32(zip64 ? 0xFFFF_FFFF : offset) + Array(name.utf8) + extra
        }
        let directoryOffset = out.count
        out += central
        if zip64 {
            let recordOffset = out.count
            out += le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
            out += le64(entries.count) + le64(entries.count) + le64(central.count) + le64(directoryOffset)
            out += le32(0x0706_4B50) + le32(0) + le64(recordOffset) + le32(1)
            out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(0xFFFF) + le16(0xFFFF) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(0)
        } else {
            out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            out += le32(central.count) + le32(directoryOffset) + le16(0)
        }
        return out
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

    /// The same archive read through 32-bit fields and through ZIP64 records (what every checkpoint
    /// over 4 GiB uses), with any archive folder name.
    @Test(arguments: [false, true])
    func zipArchivesWithAndWithoutZIP64(zip64: Bool) throws {
        let pickle = Self.statePickle(declared: 6, offset: 1, sizes: [2, 2], strides: [1, 2])
        let bytes = Self.zipArchive(
            [("my model/data.pkl", pickle), ("my model/byteorder", Array("little".utf8)), ("my model/data/0", Self.floats(6)),
             ("my model/version", Array("3\n".utf8))],
            zip64: zip64)
        let (file, _, folder) = try open(bytes)
        _ = folder
        #expect(file.layout == .zip(archiveName: "my model"))
        #expect(try file.tensor(named: "t").scalars == [1, 3, 2, 4])

        // Damaged archives: no data.pkl, a compressed entry, big-endian storages, a cut directory.
        let noPickle = Self.zipArchive([("my model/data/0", Self.floats(6))], zip64: zip64)
        try expectRefusal(noPickle, saying: "without an <archive>/data.pkl record")
        var compressed = bytes
        compressed[8] = 8  // the local header's method; the directory's is what counts
        let directoryMethod = try #require(Self.find([0x50, 0x4B, 0x01, 0x02], in: compressed))
        compressed[directoryMethod + 10] = 8
        try expectRefusal(compressed, saying: "zip entry 'my model/data.pkl' is compressed (method 8)")
        let bigEndian = Self.zipArchive(
            [("a/data.pkl", pickle), ("a/byteorder", Array("big".utf8)), ("a/data/0", Self.floats(6))], zip64: zip64)
        try expectRefusal(bigEndian, saying: "stored big-endian")
        try expectRefusal(Array(bytes[..<(bytes.count - 30)]), saying: zip64 ? "end-of-central-directory" : "end-of-central-directory")
        let noStorage = Self.zipArchive([("a/data.pkl", pickle)], zip64: zip64)
        try expectRefusal(noStorage, saying: "refers to storage '0' but the archive has no a/data/0 record")
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    /// Numbers beside the weights become metadata; a negative float (BINFLOAT's sign bit) reads as one.
    @Test func scalarsBesideTheWeightsAreMetadata() throws {
        let data: [UInt8] = [0x80, 0x02, 0x7D, 0x28] + [0x58] + Self.le32(2) + Array("lr".utf8)
            + [0x47, 0xBF, 0xE0, 0, 0, 0, 0, 0, 0] + [0x58] + Self.le32(4) + Array("step".utf8) + [0x4A] + Self.le32(-3)
            + [0x58] + Self.le32(3) + Array("big".utf8) + [0x8A, 0x09] + [UInt8](repeating: 0, count: 8) + [0x01] + [0x75, 0x2E]
        let keys: [UInt8] = [0x80, 0x02, 0x5D, 0x2E]
        let (file, _, folder) = try open(PyTorchHostileTests.legacyHeader + data + keys)
        _ = folder
        #expect(file.tensorNames.isEmpty)
        #expect(file.metadata == ["lr": "-0.5", "step": "-3"])  // a 2^64 integer is kept out
    }

    @Test func broadcastViewsWithinTheBoundRead() throws {
        let (file, _, folder) = try open(Self.legacyFile(declared: 4, stored: 4, offset: 3, sizes: [2, 3], strides: [0, 0]))
        _ = folder
        #expect(try file.tensor(named: "t").scalars == [3, 3, 3, 3, 3, 3])
    }
}
