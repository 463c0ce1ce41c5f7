/// A value built by `PickleMachine`: Python's data types as far as a checkpoint uses them, plus the
/// torch objects a state dict is made of, and inert stand-ins for the few harmless classes a training
/// checkpoint carries beside its weights.
///
/// Containers are indices into the machine's `PickleHeap`, never nested Swift values: pickles mutate
/// lists and dicts after memoizing them (so they need reference identity), may build cycles, and may
/// nest a million deep; flat values keep all of that free of recursion, so no input can exhaust the
/// stack while values are built or freed.
enum PickleValue: Equatable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits, as LONG1/LONG4 wrote it: little-endian two's complement.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// `PickleHeap.sequences[index]`, immutable.
    case tuple(Int)
    /// `PickleHeap.sequences[index]`; Python sets are kept as lists of their items.
    case list(Int)
    /// `PickleHeap.dicts[index]` (a dict or `collections.OrderedDict`).
    case dict(Int)
    /// A global that `PickleAllowList` let through.
    case global(PickleGlobal)
    /// A storage named by a persistent id (`BINPERSID`).
    case storage(PyTorchStorageReference)
    case tensor(PyTorchTensorRecord)
    /// An instance of an allow-listed harmless class (e.g. Lightning's `ModelCheckpoint`): its class
    /// name only; its arguments and state are dropped, nothing is called.
    case object(String)

    /// What the value is, for error messages.
    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "a bool"
        case .int, .bigInt: "an int"
        case .float: "a float"
        case .string: "a str"
        case .bytes: "bytes"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dict"
        case .global(let global): "the global \(global.name)"
        case .storage: "a storage"
        case .tensor: "a tensor"
        case .object(let name): "a \(name) object"
        }
    }
}

/// The containers of one unpickling, addressed by the indices in `PickleValue`.
struct PickleHeap {
    /// A dict's pairs in insertion order. A repeated string key replaces the earlier value, as in
    /// Python; other keys are kept as separate entries, which is harmless because only string keys
    /// name tensors.
    struct Dict {
        var entries: [(key: PickleValue, value: PickleValue)] = []
        var indexOfString: [String: Int] = [:]
    }

    var sequences: [[PickleValue]] = []
    var dicts: [Dict] = []

    mutating func add(sequence: [PickleValue]) -> Int {
        sequences.append(sequence)
        return sequences.count - 1
    }

    mutating func addDict() -> Int {
        dicts.append(Dict())
        return dicts.count - 1
    }

    mutating func set(_ value: PickleValue, for key: PickleValue, inDict index: Int) {
        if case .string(let name) = key {
            if let existing = dicts[index].indexOfString[name] {
                dicts[index].entries[existing].value = value
                return
            }
            dicts[index].indexOfString[name] = dicts[index].entries.count
        }
        dicts[index].entries.append((key, value))
    }

    /// The value stored under string `key` in dict `index`.
    func value(for key: String, inDict index: Int) -> PickleValue? {
        dicts[index].indexOfString[key].map { dicts[index].entries[$0].value }
    }
}
