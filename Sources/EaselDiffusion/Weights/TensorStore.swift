import EaselCheckpoint
import EaselTensor

/// Named tensors a network is built from, in diffusers/transformers naming (after any conversion of
/// other layouts, e.g. LDM single files, by a key-mapping table).
public protocol TensorStore: Sendable {
    /// Every name the store holds.
    var tensorNames: [String] { get }
    /// The stored shape of `name`, or nil when there is no such tensor.
    func shape(of name: String) -> [Int]?
    /// Reads `name`, widened to float32.
    func tensor(named name: String) throws -> Tensor
}

extension CheckpointComponent: TensorStore {
    public var tensorNames: [String] { tensors.map(\.name) }

    public func shape(of name: String) -> [Int]? {
        file(holding: name)?.tensors[name]?.shape
    }
}

/// A store over another with renamed keys: `names[new] = old`. Built from a key-mapping table for
/// checkpoints whose layout differs from diffusers' (LDM single files, ControlNet v1.1 files).
public struct RenamedTensorStore: TensorStore {
    public let base: any TensorStore
    /// New name -> name in `base`.
    public let names: [String: String]
    private let shapes: [String: [Int]]

    public init(base: any TensorStore, names: [String: String]) {
        self.base = base
        self.names = names
        var shapes: [String: [Int]] = [:]
        for (new, old) in names { shapes[new] = base.shape(of: old) }
        self.shapes = shapes
    }

    public var tensorNames: [String] { Array(names.keys) }
    public func shape(of name: String) -> [Int]? { shapes[name] }

    public func tensor(named name: String) throws -> Tensor {
        guard let old = names[name] else { throw WeightError.missing(name: name, expectedShape: nil) }
        return try base.tensor(named: old)
    }
}

/// A store held in memory; for tests and for weights computed at load time.
public struct InMemoryTensorStore: TensorStore {
    public var tensors: [String: Tensor]

    public init(_ tensors: [String: Tensor]) { self.tensors = tensors }

    public var tensorNames: [String] { Array(tensors.keys) }
    public func shape(of name: String) -> [Int]? { tensors[name]?.shape }

    public func tensor(named name: String) throws -> Tensor {
        guard let tensor = tensors[name] else { throw WeightError.missing(name: name, expectedShape: nil) }
        return tensor
    }
}
