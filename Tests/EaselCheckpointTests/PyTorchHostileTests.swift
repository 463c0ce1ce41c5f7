import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

/// Files that try to run code are refused with an error naming the global, truncated and damaged files
/// give errors naming the file, and no input traps.
@Suite struct PyTorchHostileTests {
    @Test func picklesThatWouldRunCodeAreRefusedByName() throws {
        let cases = try PyTorchCases.load()
        #expect(cases.hostile.count == 8)
        for hostile in cases.hostile {
            let url = try pyTorchFixtures.url(hostile.file)
            #expect(throws: CheckpointError.forbiddenPickleGlobal(path: url.path, global: hostile.global), "\(hostile.file)") {
                try PyTorchCheckpointFile(contentsOf: url)
            }
            #expect(throws: CheckpointError.forbiddenPickleGlobal(path: url.path, global: hostile.global)) {
                try CheckpointInventory(contentsOf: url)
            }
        }
    }

    @Test func forbiddenGlobalMessageSaysNothingRan() {
        let message = CheckpointError.forbiddenPickleGlobal(path: "/m/x.ckpt", global: "os.system").description
        #expect(message.hasPrefix("/m/x.ckpt refers to the Python global 'os.system'"))
        #expect(message.contains("nothing in it was run"))
    }

    /// Raw pickles against the interpreter: each construct that could call code is refused.
    @Test(arguments: [
        // REDUCE on something that is not an allowed global.
        ("\u{80}\u{02}ccollections\nOrderedDict\n)R)R.", "REDUCE calls a dict"),
        // BUILD on a value that has no state to set.
        ("\u{80}\u{02}K\u{01}}b.", "BUILD on an int"),
        // APPEND to a dict, SETITEM on a list.
        ("\u{80}\u{02}}K\u{01}a.", "APPEND to a dict"),
        ("\u{80}\u{02}]K\u{01}K\u{02}s.", "SETITEM on a list"),
        // Opcodes a state dict never uses.
        ("\u{80}\u{02}\u{82}\u{01}.", "unsupported pickle opcode 0x82 (EXT)"),
        ("\u{80}\u{02}(o.", "unsupported pickle opcode 0x6f (OBJ)"),
        ("\u{80}\u{02}P1\n.", "unsupported pickle opcode 0x50 (PERSID)"),
        // A persistent id that is not a storage, a storage type that is not one.
        ("\u{80}\u{02}K\u{01}Q.", "a persistent id that is an int"),
        ("\u{80}\u{06}.", "pickle protocol 6 is newer than 5"),
        ("\u{80}\u{02}h\u{05}.", "memo entry 5 was never stored"),
        ("\u{80}\u{02}N.\u{80}\u{02}].", "holds None, not a dict of tensors"),  // then an empty key list
        ("\u{80}\u{02}NN.", "leaves 2 values"),
        // A negative BINFLOAT (sign bit set) once trapped converting its bits; now it is a value, and the
        // file fails later, at its missing storage key list.
        ("\u{80}\u{02}}X\u{02}\u{00}\u{00}\u{00}lrG\u{BF}\u{E0}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}s.", "the pickle needs 1 more bytes"),
    ])
    func restrictedInterpreterRefuses(pickle: String, reason: String) throws {
        let folder = try TemporaryFolder()
        let bytes = Self.legacyHeader + Array(pickle.unicodeScalars.map { UInt8($0.value) })
        let url = try folder.write(bytes, to: "bad.pth")
        #expect {
            try PyTorchCheckpointFile(contentsOf: url)
        } throws: { error in
            guard case .invalidPyTorchFile(let path, let message) = error as? CheckpointError else { return false }
            return path == url.path && message.contains(reason)
        }
    }

    @Test func globalsAreResolvedOnlyFromTheAllowList() {
        #expect(PickleAllowList.resolve(module: "torch", name: "FloatStorage") != nil)
        #expect(PickleAllowList.resolve(module: "torch", name: "float16") == .dtype(.float16))
        #expect(PickleAllowList.resolve(module: "torch.cuda", name: "HalfStorage") == .storageType(PyTorchStorageType(className: "HalfStorage")!))
        #expect(PickleAllowList.resolve(module: "torch.cuda", name: "float16") == nil)
        #expect(PickleAllowList.resolve(module: "torch._utils", name: "_rebuild_tensor_v2") == .rebuildTensorV2)
        for (module, name) in [
            ("os", "system"), ("posix", "system"), ("nt", "system"), ("builtins", "eval"), ("builtins", "exec"),
            ("builtins", "__import__"), ("subprocess", "Popen"), ("torch", "load"), ("torch", "Tensor"),
            ("torch._utils", "_rebuild_qtensor"), ("collections", "defaultdict"), ("numpy", "load"),
            ("pytorch_lightning.callbacks.model_checkpoint", "rmtree"), ("torch.storage", "_load_from_bytes"),
        ] {
            #expect(PickleAllowList.resolve(module: module, name: name) == nil, "\(module).\(name)")
        }
    }

    @Test(arguments: ["PyTorch_zip.pth", "PyTorch_legacy.pth", "PyTorch_ldm.ckpt"])
    func truncatedFilesAreErrorsNamingTheFile(file name: String) throws {
        let original = try [UInt8](Data(contentsOf: pyTorchFixtures.url(name)))
        let folder = try TemporaryFolder()
        // Every length up to the first 600 bytes (headers, pickles), then every 97th.
        let lengths = Array(0..<min(600, original.count)) + Array(stride(from: 600, to: original.count, by: 97))
        for length in lengths {
            let url = try folder.write(Array(original[..<length]), to: "cut.pth")
            do {
                _ = try PyTorchCheckpointFile(contentsOf: url)
                Issue.record("\(name) cut to \(length) bytes was accepted")
            } catch let error as CheckpointError {
                #expect(error.description.hasPrefix(url.path), "\(error)")
            }
        }
    }

    /// Flips random bytes of valid files: each try must end in a value or a thrown error, never a trap;
    /// whatever opens must read all its tensors.
    @Test(arguments: ["PyTorch_zip.pth", "PyTorch_protocol4.pth", "PyTorch_legacy.pth", "PyTorch_ldm.ckpt"])
    func fuzzedFilesNeverTrap(file name: String) throws {
        let original = try [UInt8](Data(contentsOf: pyTorchFixtures.url(name)))
        let folder = try TemporaryFolder()
        var random = SplitMix64(seed: 0x5EED_0000 &+ UInt64(name.count))
        var opened = 0
        for _ in 0..<500 {
            var bytes = original
            // Mostly the pickle and headers (the first kilobyte), sometimes anywhere: flipped bytes,
            // inserted or deleted runs (which shift every offset after them), and boundary integers.
            let span = random.next() % 3 == 0 ? bytes.count : min(1024, bytes.count)
            let at = Int(random.next() % UInt64(span - 8))
            switch random.next() % 4 {
            case 0:
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    bytes[Int(random.next() % UInt64(span))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1:
                bytes.insert(contentsOf: (0..<(1 + Int(random.next() % 8))).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            case 2:
                bytes.removeSubrange(at..<(at + 1 + Int(random.next() % 8)))
            default:
                let boundaries: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0x80], [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0]]
                bytes.replaceSubrange(at..<(at + 4), with: boundaries[Int(random.next() % 4)])
            }
            let url = try folder.write(bytes, to: "fuzz.pth")
            guard let file = try? PyTorchCheckpointFile(contentsOf: url) else { continue }
            opened += 1
            for tensorName in file.tensorNames { _ = try? file.tensor(named: tensorName) }
        }
        #expect(opened > 0)  // some flips land in data bytes and still open
    }

    /// torch's three pickles before a legacy file's data pickle (magic, protocol 1001, sys_info).
    static let legacyHeader: [UInt8] = {
        var bytes: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        bytes += [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
        bytes += [0x80, 0x02, 0x7D, 0x2E]
        return bytes
    }()
}

/// A small seeded generator (SplitMix64), so fuzz runs repeat.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
