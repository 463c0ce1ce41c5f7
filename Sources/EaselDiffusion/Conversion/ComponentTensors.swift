/// The tensors of one component inside a single file (e.g. the UNet under `model.diffusion_model.`),
/// by name relative to the component's prefix, for inferring the component's architecture from shapes.
struct ComponentTensors {
    let base: any TensorStore
    let prefix: String
    /// Relative names (prefix removed).
    let names: Set<String>

    init(base: any TensorStore, prefix: String, names: [String]) {
        self.base = base
        self.prefix = prefix
        self.names = Set(names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
    }

    func contains(_ name: String) -> Bool { names.contains(name) }

    /// Whether some tensor lives under the module path `modulePrefix` (ending in ".").
    func hasModule(_ modulePrefix: String) -> Bool { names.contains { $0.hasPrefix(modulePrefix) } }

    /// The shape of `name`; a missing tensor is an error naming it (with the prefix, as in the file).
    func shape(_ name: String) throws -> [Int] {
        guard let shape = base.shape(of: prefix + name) else {
            throw WeightError.missing(name: prefix + name, expectedShape: nil)
        }
        return shape
    }

    /// Extent `axis` of `name`'s shape; an error naming the tensor when it has fewer axes.
    func extent(_ name: String, _ axis: Int) throws -> Int {
        let shape = try shape(name)
        guard axis < shape.count else {
            throw WeightError.invalidConfiguration("tensor '\(prefix + name)' has shape \(shape), expected at least \(axis + 1) axes")
        }
        return shape[axis]
    }

    /// The numbers `n` in names starting with `modulePrefix` + `n` + ".", e.g. the input block indices
    /// for `input_blocks.`.
    func indices(under modulePrefix: String) -> [Int] {
        var found: Set<Int> = []
        for name in names where name.hasPrefix(modulePrefix) {
            let rest = name.dropFirst(modulePrefix.count)
            guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { continue }
            found.insert(index)
        }
        return found.sorted()
    }

    /// The first name (in sorted order) ending in `suffix` under `modulePrefix`.
    func firstName(under modulePrefix: String = "", endingWith suffix: String) -> String? {
        names.filter { $0.hasPrefix(modulePrefix) && $0.hasSuffix(suffix) }.min()
    }
}
