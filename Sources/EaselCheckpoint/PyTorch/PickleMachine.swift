/// A restricted pickle interpreter: Python's `pickle.Unpickler` for protocols 2 to 5 (and the protocol
/// 0/1 opcodes torch's writers still emit), without ever importing or calling anything.
///
/// Globals are resolved through `PickleAllowList` (anything else is refused, naming it); REDUCE, NEWOBJ
/// and BUILD are interpreted for the allowed globals only (a tensor is rebuilt as a
/// `PyTorchTensorRecord`, an `OrderedDict` becomes a dict, allow-listed classes become inert objects);
/// a storage's persistent id (BINPERSID) becomes a `PyTorchStorageReference`. Opcodes a state dict
/// never needs (INST, OBJ, EXT*, PERSID, out-of-band buffers) are refused. Every length is checked
/// against the bytes left, so no input can read out of bounds; each opcode adds at most one value or
/// copies bytes it holds, so memory stays proportional to the pickle's size; and nothing recurses.
struct PickleMachine {
    private let bytes: UnsafeRawBufferPointer
    private let end: Int
    private var position: Int
    private(set) var heap = PickleHeap()
    private var stack: [PickleValue] = []
    /// Stack heights at each open MARK (CPython's metastack).
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    /// The first persistent id seen for each storage key (legacy files size their records by it).
    private(set) var storages: [String: PyTorchStorageReference] = [:]

    /// Prepares to read the pickle that starts at `start` in `bytes` (and ends at or before `end`).
    init(bytes: UnsafeRawBufferPointer, start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    /// Runs to STOP; returns the pickled value and the offset just after STOP.
    mutating func run() throws(PyTorchReadError) -> (value: PickleValue, end: Int) {
        while true {
            let at = position
            let opcode = try byte()
            if opcode == 0x2E {  // STOP
                guard let value = stack.last, stack.count == 1, marks.isEmpty else {
                    throw .invalid("pickle STOP at byte \(at) leaves \(stack.count) values and \(marks.count) marks instead of one value")
                }
                return (value, position)
            }
            do {
                try step(opcode)
            } catch .invalid(let reason) {
                throw .invalid("\(reason) (pickle opcode 0x\(String(opcode, radix: 16)) at byte \(at))")
            }
        }
    }

    // MARK: Opcodes

    private mutating func step(_ opcode: UInt8) throws(PyTorchReadError) {
        switch opcode {
        case 0x80:  // PROTO
            let version = try byte()
            guard version <= 5 else { throw .invalid("pickle protocol \(version) is newer than 5") }
        case 0x95:  // FRAME: a length hint only
            _ = try take(8)
        case 0x7D:  // EMPTY_DICT
            stack.append(.dict(heap.addDict()))
        case 0x5D, 0x8F:  // EMPTY_LIST, EMPTY_SET
            stack.append(.list(heap.add(sequence: [])))
        case 0x29:  // EMPTY_TUPLE
            stack.append(.tuple(heap.add(sequence: [])))
        case 0x28:  // MARK
            marks.append(stack.count)
        case 0x30:  // POP
            _ = try pop()
        case 0x31:  // POP_MARK
            _ = try popMark()
        case 0x32:  // DUP
            stack.append(try top())
        case 0x58:  // BINUNICODE
            stack.append(.string(try text(length: Int(try integer(4, signed: false)))))
        case 0x8C:  // SHORT_BINUNICODE
            stack.append(.string(try text(length: Int(try byte()))))
        case 0x8D:  // BINUNICODE8
            stack.append(.string(try text(length: try length64())))
        case 0x55:  // SHORT_BINSTRING (Python 2 str; torch.load decodes these as UTF-8)
            stack.append(.string(String(decoding: try take(Int(try byte())), as: UTF8.self)))
        case 0x54:  // BINSTRING
            let length = try integer(4, signed: true)
            guard length >= 0 else { throw .invalid("negative string length") }
            stack.append(.string(String(decoding: try take(Int(length)), as: UTF8.self)))
        case 0x43:  // SHORT_BINBYTES
            stack.append(.bytes(Array(try take(Int(try byte())))))
        case 0x42:  // BINBYTES
            stack.append(.bytes(Array(try take(Int(try integer(4, signed: false))))))
        case 0x8E, 0x96:  // BINBYTES8, BYTEARRAY8
            stack.append(.bytes(Array(try take(try length64()))))
        case 0x4A:  // BININT
            stack.append(.int(Int(try integer(4, signed: true))))
        case 0x4B:  // BININT1
            stack.append(.int(Int(try byte())))
        case 0x4D:  // BININT2
            stack.append(.int(Int(try integer(2, signed: false))))
        case 0x8A:  // LONG1
            stack.append(try long(length: Int(try byte())))
        case 0x8B:  // LONG4
            let length = try integer(4, signed: true)
            guard length >= 0 else { throw .invalid("negative LONG4 length") }
            stack.append(try long(length: Int(length)))
        case 0x47:  // BINFLOAT, big-endian
            stack.append(.float(Double(bitPattern: UInt64(bitPattern: try integer(8, signed: false, bigEndian: true)))))
        case 0x4E:  // NONE
            stack.append(.none)
        case 0x88:  // NEWTRUE
            stack.append(.bool(true))
        case 0x89:  // NEWFALSE
            stack.append(.bool(false))
        case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
            let count = Int(opcode - 0x84)
            guard stack.count - count >= (marks.last ?? 0) else { throw .invalid("TUPLE\(count) on a stack of \(stack.count)") }
            let items = Array(stack.suffix(count))
            stack.removeLast(count)
            stack.append(.tuple(heap.add(sequence: items)))
        case 0x74:  // TUPLE
            stack.append(.tuple(heap.add(sequence: try popMark())))
        case 0x6C:  // LIST
            stack.append(.list(heap.add(sequence: try popMark())))
        case 0x64:  // DICT
            let items = try popMark()
            let dict = heap.addDict()
            try setItems(items, inDict: dict)
            stack.append(.dict(dict))
        case 0x61:  // APPEND
            let item = try pop()
            try append([item], to: try top())
        case 0x65, 0x90:  // APPENDS, ADDITEMS
            let items = try popMark()
            try append(items, to: try top())
        case 0x91:  // FROZENSET
            stack.append(.list(heap.add(sequence: try popMark())))
        case 0x73:  // SETITEM
            let value = try pop()
            let key = try pop()
            let target = try top()
            guard case .dict(let dict) = target else { throw .invalid("SETITEM on \(target.kind)") }
            heap.set(value, for: key, inDict: dict)
        case 0x75:  // SETITEMS
            let items = try popMark()
            let target = try top()
            guard case .dict(let dict) = target else { throw .invalid("SETITEMS on \(target.kind)") }
            try setItems(items, inDict: dict)
        case 0x71:  // BINPUT
            memo[Int(try byte())] = try top()
        case 0x72:  // LONG_BINPUT
            memo[Int(try integer(4, signed: false))] = try top()
        case 0x94:  // MEMOIZE
            memo[memo.count] = try top()
        case 0x68:  // BINGET
            stack.append(try memoValue(Int(try byte())))
        case 0x6A:  // LONG_BINGET
            stack.append(try memoValue(Int(try integer(4, signed: false))))
        case 0x63:  // GLOBAL: "module\nname\n"
            let module = try line()
            let name = try line()
            stack.append(.global(try resolve(module: module, name: name)))
        case 0x93:  // STACK_GLOBAL
            let name = try pop()
            let module = try pop()
            guard case .string(let moduleName) = module, case .string(let globalName) = name else {
                throw .invalid("STACK_GLOBAL with \(module.kind) and \(name.kind) instead of two strings")
            }
            stack.append(.global(try resolve(module: moduleName, name: globalName)))
        case 0x69:  // INST: "module\nname\n"; never needed, but name what it would have called.
            let module = try line()
            let name = try line()
            _ = try resolve(module: module, name: name)
            throw .invalid("the INST opcode (for \(module).\(name)) is not used by state dicts")
        case 0x52:  // REDUCE
            let arguments = try pop()
            let callable = try pop()
            stack.append(try call(callable, arguments))
        case 0x81:  // NEWOBJ
            _ = try pop()  // arguments: the allowed types take none that matter
            stack.append(try instantiate(try pop()))
        case 0x92:  // NEWOBJ_EX
            _ = try pop()  // keyword arguments
            _ = try pop()  // arguments
            stack.append(try instantiate(try pop()))
        case 0x62:  // BUILD
            _ = try pop()  // state: dropped (see build)
            try build(try top())
        case 0x51:  // BINPERSID
            stack.append(.storage(try storage(persistentID: try pop())))
        default:
            throw .invalid("unsupported pickle opcode 0x\(String(opcode, radix: 16)) (\(Self.opcodeName(opcode)))")
        }
    }

    // MARK: Meaning of calls

    private func resolve(module: String, name: String) throws(PyTorchReadError) -> PickleGlobal {
        guard let global = PickleAllowList.resolve(module: module, name: name) else {
            throw .forbiddenGlobal(module + "." + name)
        }
        return global
    }

    /// REDUCE: `callable(*arguments)`, for the allowed globals only.
    private mutating func call(_ callable: PickleValue, _ arguments: PickleValue) throws(PyTorchReadError) -> PickleValue {
        guard case .global(let global) = callable else { throw .invalid("REDUCE calls \(callable.kind), which is not callable here") }
        guard case .tuple(let index) = arguments else {
            throw .invalid("REDUCE of \(global.name) with \(arguments.kind) as arguments")
        }
        let args = heap.sequences[index]
        switch global {
        case .orderedDict:
            let dict = heap.addDict()
            // OrderedDict(pairs) as well as OrderedDict().
            if let first = args.first {
                guard case .list(let pairsIndex) = first else { throw .invalid("OrderedDict of \(first.kind)") }
                for pair in heap.sequences[pairsIndex] {
                    guard case .tuple(let p) = pair, heap.sequences[p].count == 2 else { throw .invalid("OrderedDict of a non-pair") }
                    heap.set(heap.sequences[p][1], for: heap.sequences[p][0], inDict: dict)
                }
            }
            return .dict(dict)
        case .rebuildTensor, .rebuildTensorV2, .rebuildTensorV3:
            return .tensor(try rebuildTensor(global, args))
        case .rebuildParameter:
            guard let data = args.first, case .tensor = data else {
                throw .invalid("\(global.name) of \(args.first?.kind ?? "nothing")")
            }
            return data
        case .torchSize:
            guard let sizes = args.first, case .tuple = sizes else { throw .invalid("torch.Size of \(args.first?.kind ?? "nothing")") }
            return sizes
        case .inert(let name):
            return .object(name)
        case .storageType, .dtype:
            throw .invalid("\(global.name) is called, which state dicts never do")
        }
    }

    /// NEWOBJ: `cls.__new__(cls, *arguments)`.
    private mutating func instantiate(_ type: PickleValue) throws(PyTorchReadError) -> PickleValue {
        switch type {
        case .global(.orderedDict): return .dict(heap.addDict())
        case .global(.inert(let name)): return .object(name)
        default: throw .invalid("NEWOBJ of \(type.kind)")
        }
    }

    /// BUILD: `__setstate__`. State is dropped for the values that may carry some (an OrderedDict's
    /// `_metadata`, a Parameter's attributes, inert objects); no other value accepts it.
    private func build(_ target: PickleValue) throws(PyTorchReadError) {
        switch target {
        case .dict, .tensor, .object: return
        default: throw .invalid("BUILD on \(target.kind)")
        }
    }

    /// `_rebuild_tensor(storage, offset, size, stride)`, `_v2(..., requires_grad, hooks[, metadata])`,
    /// `_v3(..., requires_grad, hooks, dtype[, metadata])`.
    private func rebuildTensor(_ global: PickleGlobal, _ args: [PickleValue]) throws(PyTorchReadError) -> PyTorchTensorRecord {
        let minimum = global == .rebuildTensor ? 4 : (global == .rebuildTensorV2 ? 6 : 7)
        guard args.count >= minimum, args.count <= minimum + 1 else {
            throw .invalid("\(global.name) with \(args.count) arguments")
        }
        guard case .storage(let storage) = args[0] else { throw .invalid("\(global.name) of \(args[0].kind) instead of a storage") }
        guard case .int(let offset) = args[1] else { throw .invalid("\(global.name) with a storage offset that is \(args[1].kind)") }
        let shape = try integers(args[2], what: "sizes")
        let strides = try integers(args[3], what: "strides")
        var dataType = storage.type.dataType
        if global == .rebuildTensorV3 {
            guard case .global(.dtype(let type)) = args[6] else {
                throw .invalid("\(global.name) with a dtype that is \(args[6].kind)")
            }
            dataType = type
        } else if storage.type.isUntyped {
            throw .invalid("\(global.name) of an untyped storage, which has no element type")
        }
        return try PyTorchTensorRecord(storage: storage, dataType: dataType, storageOffset: offset, shape: shape, strides: strides)
    }

    /// `('storage', type, key, location, numel)`, plus a sixth element (a view) in legacy files, which
    /// torch has written as None since 2018.
    private mutating func storage(persistentID: PickleValue) throws(PyTorchReadError) -> PyTorchStorageReference {
        guard case .tuple(let index) = persistentID else { throw .invalid("a persistent id that is \(persistentID.kind)") }
        let fields = heap.sequences[index]
        guard fields.count == 5 || fields.count == 6, fields[0] == .string("storage") else {
            throw .invalid("a persistent id that is not a ('storage', ...) tuple")
        }
        guard case .global(.storageType(let type)) = fields[1] else { throw .invalid("a storage whose type is \(fields[1].kind)") }
        guard case .string(let key) = fields[2] else { throw .invalid("a storage whose key is \(fields[2].kind)") }
        guard case .int(let count) = fields[4], count >= 0 else { throw .invalid("a storage whose size is \(fields[4].kind)") }
        if fields.count == 6, fields[5] != .none {
            throw .invalid("storage '\(key)' is a view of another storage (a pre-2018 legacy file), which Easel does not read")
        }
        let reference = PyTorchStorageReference(key: key, type: type, elementCount: count)
        guard reference.byteCount != nil else { throw .invalid("storage '\(key)' claims \(count) elements") }
        if storages[key] == nil { storages[key] = reference }
        return reference
    }

    // MARK: Stack and containers

    private mutating func append(_ items: [PickleValue], to target: PickleValue) throws(PyTorchReadError) {
        guard case .list(let index) = target else { throw .invalid("APPEND to \(target.kind)") }
        heap.sequences[index].append(contentsOf: items)
    }

    private mutating func setItems(_ items: [PickleValue], inDict dict: Int) throws(PyTorchReadError) {
        guard items.count % 2 == 0 else { throw .invalid("SETITEMS with an odd number of items") }
        for pair in stride(from: 0, to: items.count, by: 2) {
            heap.set(items[pair + 1], for: items[pair], inDict: dict)
        }
    }

    private func integers(_ value: PickleValue, what: String) throws(PyTorchReadError) -> [Int] {
        guard case .tuple(let index) = value else { throw .invalid("tensor \(what) that are \(value.kind)") }
        var result: [Int] = []
        for item in heap.sequences[index] {
            guard case .int(let number) = item else { throw .invalid("tensor \(what) holding \(item.kind)") }
            result.append(number)
        }
        return result
    }

    private func memoValue(_ key: Int) throws(PyTorchReadError) -> PickleValue {
        guard let value = memo[key] else { throw .invalid("memo entry \(key) was never stored") }
        return value
    }

    private func top() throws(PyTorchReadError) -> PickleValue {
        guard let value = stack.last, stack.count > (marks.last ?? 0) else { throw .invalid("the stack is empty") }
        return value
    }

    private mutating func pop() throws(PyTorchReadError) -> PickleValue {
        let value = try top()
        stack.removeLast()
        return value
    }

    private mutating func popMark() throws(PyTorchReadError) -> [PickleValue] {
        guard let mark = marks.popLast() else { throw .invalid("no MARK to pop to") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    // MARK: Reading bytes

    private mutating func take(_ count: Int) throws(PyTorchReadError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= end - position else {
            throw .invalid("the pickle needs \(count) more bytes at byte \(position) but the data ends at byte \(end) (truncated?)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func byte() throws(PyTorchReadError) -> UInt8 {
        try take(1)[0]
    }

    private mutating func integer(_ count: Int, signed: Bool, bigEndian: Bool = false) throws(PyTorchReadError) -> Int64 {
        let raw = try take(count)
        var value: UInt64 = 0
        for i in 0..<count {
            value |= UInt64(raw[bigEndian ? i : count - 1 - i]) << (8 * UInt64(count - 1 - i))
        }
        if signed, count < 8, value & (1 << (8 * UInt64(count) - 1)) != 0 {
            value |= ~((1 << (8 * UInt64(count))) - 1)  // sign-extend
        }
        return Int64(bitPattern: value)
    }

    private mutating func length64() throws(PyTorchReadError) -> Int {
        let length = UInt64(bitPattern: try integer(8, signed: false))
        guard let count = Int(exactly: length) else { throw .invalid("a length of \(length) bytes") }
        return count
    }

    private mutating func text(length: Int) throws(PyTorchReadError) -> String {
        let raw = try take(length)
        guard let string = String(validating: raw, as: UTF8.self) else { throw .invalid("a string that is not UTF-8") }
        return string
    }

    /// A newline-terminated ASCII line (GLOBAL's operands), at most 256 bytes.
    private mutating func line() throws(PyTorchReadError) -> String {
        let start = position
        while position < end, position - start < 256 {
            if bytes[position] == 0x0A {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            position += 1
        }
        throw .invalid("an unterminated GLOBAL name at byte \(start)")
    }

    /// LONG1/LONG4: little-endian two's complement; kept as an Int when it fits.
    private mutating func long(length: Int) throws(PyTorchReadError) -> PickleValue {
        let raw = try take(length)
        guard length > 0 else { return .int(0) }
        let negative = raw[length - 1] & 0x80 != 0
        // Drop redundant sign bytes, then see whether 8 bytes suffice.
        var significant = length
        while significant > 1, raw[significant - 1] == (negative ? 0xFF : 0),
            (raw[significant - 2] & 0x80 != 0) == negative
        {
            significant -= 1
        }
        guard significant <= 8 else { return .bigInt(Array(raw)) }
        var value: UInt64 = negative ? ~0 : 0
        for i in 0..<significant {
            value &= ~(0xFF << (8 * UInt64(i)))
            value |= UInt64(raw[i]) << (8 * UInt64(i))
        }
        return .int(Int(Int64(bitPattern: value)))
    }

    private static func opcodeName(_ opcode: UInt8) -> String {
        switch opcode {
        case 0x6F: "OBJ"
        case 0x50: "PERSID"
        case 0x82, 0x83, 0x84: "EXT"
        case 0x97: "NEXT_BUFFER"
        case 0x98: "READONLY_BUFFER"
        case 0x49, 0x4C, 0x46, 0x53, 0x56, 0x70, 0x67: "a protocol 0 text opcode"
        default: "unknown"
        }
    }
}
