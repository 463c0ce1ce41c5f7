import EaselTensor

/// A store whose tensors are tensors of a base store, renamed, or cut into ranges of rows: what a key table
/// cannot express. OpenCLIP (SD 2.x single files) fuses the q, k, v projections into one `in_proj_weight`
/// [3 x hidden, hidden] that transformers' `CLIPTextModel` holds as three `q_proj/k_proj/v_proj` layers
/// (diffusers' `convert_open_clip_checkpoint` slices them the same way: rows `[0, d)`, `[d, 2d)`, `[2d, 3d)`).
public struct SlicedTensorStore: TensorStore {
    /// Where a tensor comes from.
    public enum Source: Sendable, Equatable {
        /// The whole tensor `name` of the base store.
        case whole(String)
        /// Rows `rows` (indices along the first axis) of the base store's `name`.
        case rows(String, Range<Int>)

        var baseName: String {
            switch self {
            case .whole(let name), .rows(let name, _): name
            }
        }
    }

    public let base: any TensorStore
    /// New name -> where its values are in `base`.
    public let sources: [String: Source]
    private let shapes: [String: [Int]]

    /// Throws `WeightError` naming the base tensor when it is missing or a row range falls outside it.
    public init(base: any TensorStore, sources: [String: Source]) throws {
        var shapes: [String: [Int]] = [:]
        for (name, source) in sources {
            guard let shape = base.shape(of: source.baseName) else {
                throw WeightError.missing(name: source.baseName, expectedShape: nil)
            }
            switch source {
            case .whole:
                shapes[name] = shape
            case .rows(let baseName, let rows):
                guard let first = shape.first, rows.lowerBound >= 0, rows.upperBound <= first else {
                    throw WeightError.invalidConfiguration("tensor '\(baseName)' of shape \(shape) has no rows \(rows)")
                }
                shapes[name] = [rows.count] + shape.dropFirst()
            }
        }
        self.base = base
        self.sources = sources
        self.shapes = shapes
    }

    public var tensorNames: [String] { Array(sources.keys) }
    public func shape(of name: String) -> [Int]? { shapes[name] }

    public func tensor(named name: String) throws -> Tensor {
        guard let source = sources[name], let shape = shapes[name] else {
            throw WeightError.missing(name: name, expectedShape: nil)
        }
        switch source {
        case .whole(let baseName):
            return try base.tensor(named: baseName)
        case .rows(let baseName, let rows):
            let whole = try base.tensor(named: baseName)
            let rowSize = shape.dropFirst().reduce(1, *)
            return Tensor(shape: shape, scalars: Array(whole.scalars[(rows.lowerBound * rowSize)..<(rows.upperBound * rowSize)]))
        }
    }
}
