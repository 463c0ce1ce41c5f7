/// Finds the tensors in the object a checkpoint pickles, as diffusers' single-file loader and the
/// A1111 web UI do: LDM/CompVis `.ckpt` files wrap the weights as `{"state_dict": {...}, "global_step":
/// ..., "epoch": ...}` (sometimes more than once), so `state_dict` is unwrapped while present; plain
/// `.pth`/`.bin` files are the state dict itself.
///
/// Tensors in nested dicts are named with their keys joined by dots (`{"model": {"w": t}}` lists
/// `model.w`), as `nn.Module.state_dict` names them. Numbers, strings and booleans beside the weights
/// (in the wrappers and at the top of the state dict) become metadata; lists, non-string keys and
/// inert objects (optimizer states, Lightning callbacks) are skipped.
enum PyTorchStateDict {
    /// Dicts nested deeper than this are skipped (no state dict nests so deep; the bound keeps a
    /// hostile file from recursing without end).
    static let maximumDepth = 32

    struct Contents {
        /// Tensors in pickle order.
        var tensors: [(name: String, record: PyTorchTensorRecord)] = []
        var metadata: [String: String] = [:]
    }

    static func contents(of root: PickleValue, heap: PickleHeap) throws(PyTorchReadError) -> Contents {
        guard case .dict(var dict) = root else {
            throw .invalid("its pickle holds \(root.kind), not a dict of tensors (a state dict)")
        }
        var contents = Contents()
        var unwrapped: Set<Int> = [dict]
        while let inner = heap.value(for: "state_dict", inDict: dict), case .dict(let index) = inner, !unwrapped.contains(index) {
            addMetadata(of: dict, heap: heap, skipping: "state_dict", to: &contents.metadata)
            unwrapped.insert(index)
            dict = index
        }
        addMetadata(of: dict, heap: heap, skipping: nil, to: &contents.metadata)
        var seen: Set<String> = []
        var visited: Set<Int> = []
        try collect(dict, prefix: "", depth: 0, heap: heap, visited: &visited, seen: &seen, into: &contents.tensors)
        return contents
    }

    private static func collect(
        _ dict: Int, prefix: String, depth: Int, heap: PickleHeap, visited: inout Set<Int>, seen: inout Set<String>,
        into tensors: inout [(name: String, record: PyTorchTensorRecord)]
    ) throws(PyTorchReadError) {
        guard depth < maximumDepth, visited.insert(dict).inserted else { return }
        for (key, value) in heap.dicts[dict].entries {
            guard case .string(let name) = key else { continue }
            switch value {
            case .tensor(let record):
                let fullName = prefix + name
                guard seen.insert(fullName).inserted else {
                    throw .invalid("two tensors are named '\(fullName)' (a key with dots and a nested dict)")
                }
                tensors.append((fullName, record))
            case .dict(let inner):
                try collect(
                    inner, prefix: prefix + name + ".", depth: depth + 1, heap: heap, visited: &visited, seen: &seen,
                    into: &tensors)
            default:
                continue
            }
        }
    }

    private static func addMetadata(of dict: Int, heap: PickleHeap, skipping: String?, to metadata: inout [String: String]) {
        for (key, value) in heap.dicts[dict].entries {
            guard case .string(let name) = key, name != skipping else { continue }
            switch value {
            case .int(let number): metadata[name] = String(number)
            case .float(let number): metadata[name] = String(number)
            case .bool(let flag): metadata[name] = flag ? "True" : "False"
            case .string(let text): metadata[name] = text
            default: continue
            }
        }
    }
}
