import EaselTensor

/// Hands out a network's weights by name while it is built, checking each shape, and remembers which
/// names were taken so that leftovers (a checkpoint for another architecture) are reported.
///
/// Scopes mirror the module tree: `loader.scope("down_blocks.0").scope("resnets.1")` loads
/// `down_blocks.0.resnets.1.conv1.weight` as `"conv1.weight"`. All scopes share one record of use.
public final class WeightLoader {
    private final class Usage {
        var used: Set<String> = []
    }

    public let store: any TensorStore
    /// Prefix of this scope, with its trailing dot ("" at the root).
    public let prefix: String
    private let usage: Usage

    public init(_ store: any TensorStore, prefix: String = "") {
        self.store = store
        self.prefix = prefix.isEmpty || prefix.hasSuffix(".") ? prefix : prefix + "."
        self.usage = Usage()
    }

    private init(store: any TensorStore, prefix: String, usage: Usage) {
        self.store = store
        self.prefix = prefix
        self.usage = usage
    }

    /// A child scope: names inside it are relative to `prefix.name.`.
    public func scope(_ name: String) -> WeightLoader {
        WeightLoader(store: store, prefix: prefix + name + ".", usage: usage)
    }

    /// Whether the store holds `name` in this scope (e.g. to tell optional parts, like a shortcut conv).
    public func contains(_ name: String) -> Bool { store.shape(of: prefix + name) != nil }

    /// The stored shape of `name` in this scope, for inferring a configuration from the weights.
    public func shape(of name: String) -> [Int]? { store.shape(of: prefix + name) }

    /// Reads `name`, which must have `shape`. A stored shape that differs only by extents of 1 is accepted
    /// and reshaped: LDM checkpoints store 1x1 convolutions where diffusers has linear layers (and back).
    public func load(_ name: String, shape: [Int]) throws -> Tensor {
        let fullName = prefix + name
        guard let stored = store.shape(of: fullName) else {
            throw WeightError.missing(name: fullName, expectedShape: shape)
        }
        guard stored == shape || stored.filter({ $0 != 1 }) == shape.filter({ $0 != 1 }) else {
            throw WeightError.shapeMismatch(name: fullName, expected: shape, actual: stored)
        }
        usage.used.insert(fullName)
        let tensor = try store.tensor(named: fullName)
        return tensor.shape == shape ? tensor : tensor.reshaped(shape)
    }

    /// `load` when the store has `name`, nil otherwise.
    public func loadIfPresent(_ name: String, shape: [Int]) throws -> Tensor? {
        contains(name) ? try load(name, shape: shape) : nil
    }

    /// Names in the store, under this scope, that no `load` took.
    public func unusedTensorNames() -> [String] {
        store.tensorNames.filter { $0.hasPrefix(prefix) && !usage.used.contains($0) }.sorted()
    }

    /// Throws `WeightError.unexpected` when tensors under this scope were not used, except those that
    /// `ignoring` accepts (buffers like `position_ids` that carry no weights).
    public func checkAllUsed(ignoring: (String) -> Bool = { _ in false }) throws {
        let left = unusedTensorNames().filter { !ignoring($0) }
        if !left.isEmpty { throw WeightError.unexpected(names: left) }
    }
}
