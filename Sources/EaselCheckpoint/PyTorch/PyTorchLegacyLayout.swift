/// The layout of `torch.save(..., _use_new_zipfile_serialization=False)` (the default before PyTorch
/// 1.6): five things one after another,
/// 1. a pickled magic number `0x1950a86a20f9469cfc6c`, 2. the pickled protocol version 1001,
/// 3. a pickled `sys_info` dict (`little_endian`, type sizes), 4. the object's pickle, with storages
///    as persistent ids `('storage', type, key, location, numel, None)`,
/// 5. the pickled sorted list of storage keys, then each storage in that order as an int64 element
///    count followed by its raw little-endian bytes (`_legacy_save` / `_legacy_load` in
///    torch/serialization.py). The even older tar layout is not read.
struct PyTorchLegacyLayout {
    static let magicNumber: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    let root: PickleValue
    let heap: PickleHeap
    /// Byte ranges in the file of the storages, by key.
    let storageRanges: [String: Range<Int>]

    init(_ bytes: UnsafeRawBufferPointer) throws(PyTorchReadError) {
        var header = PickleMachine(bytes: bytes, start: 0)
        let (magic, afterMagic) = try header.run()
        guard magic == .bigInt(Self.magicNumber) else {
            throw .invalid("it is a pickle but not a torch.save file (its first value is not torch's magic number)")
        }
        var versionMachine = PickleMachine(bytes: bytes, start: afterMagic)
        let (version, afterVersion) = try versionMachine.run()
        guard version == .int(Self.protocolVersion) else {
            throw .invalid("its legacy serialization protocol is \(version), not \(Self.protocolVersion)")
        }
        var infoMachine = PickleMachine(bytes: bytes, start: afterVersion)
        let (info, afterInfo) = try infoMachine.run()
        if case .dict(let index) = info, let littleEndian = infoMachine.heap.value(for: "little_endian", inDict: index),
            littleEndian != .bool(true)
        {
            throw .invalid("it was saved on a big-endian machine; Easel reads little-endian checkpoints only")
        }
        var machine = PickleMachine(bytes: bytes, start: afterInfo)
        let (root, afterData) = try machine.run()
        var keysMachine = PickleMachine(bytes: bytes, start: afterData)
        let (keyList, afterKeys) = try keysMachine.run()
        guard case .list(let keysIndex) = keyList else { throw .invalid("its storage key list is \(keyList.kind)") }
        var ranges: [String: Range<Int>] = [:]
        var position = afterKeys
        let reader = ByteReader(bytes)
        for value in keysMachine.heap.sequences[keysIndex] {
            guard case .string(let key) = value else { throw .invalid("its storage key list holds \(value.kind)") }
            guard let reference = machine.storages[key] else {
                throw .invalid("storage '\(key)' is listed but no tensor uses it, so its element size is unknown")
            }
            guard let count = reader.u64(at: position), let elements = Int(exactly: count) else {
                throw .invalid("it ends at byte \(bytes.count), before the size of storage '\(key)' (truncated?)")
            }
            let start = position + 8
            guard let length = reference.type.dataType.byteCount(elements: elements), length <= bytes.count - start else {
                throw .invalid("storage '\(key)' (\(elements) elements) runs past the end of the \(bytes.count)-byte file (truncated?)")
            }
            ranges[key] = start..<(start + length)
            position = start + length
        }
        for key in machine.storages.keys where ranges[key] == nil {
            throw .invalid("its pickle refers to storage '\(key)', which the file does not hold")
        }
        self.root = root
        self.heap = machine.heap
        self.storageRanges = ranges
    }
}
