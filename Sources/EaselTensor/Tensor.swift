import Foundation

/// A dense, row-major float32 tensor: the one array type every network in Easel is built from.
///
/// Image-like tensors are NCHW, as in PyTorch, so that weights load without transposition and each op
/// can be checked against its `torch.nn.functional` counterpart. Storage is a Swift array, so a
/// `Tensor` is a value: copies are cheap until one side is mutated (copy-on-write).
///
/// Shape mistakes are programming errors (model code builds shapes from validated configs and
/// weights), so ops check them with `precondition`; nothing a user supplies reaches an op unchecked.
public struct Tensor: Sendable, Equatable {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float] {
        // Checked against `shape`, not `oldValue`: reading `oldValue` would keep a second reference to the
        // buffer alive during the mutation and force a full copy on every in-place op.
        didSet { precondition(scalars.count == Tensor.elementCount(shape), "Tensor.scalars must keep its element count") }
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(
            scalars.count == Tensor.elementCount(shape),
            "\(scalars.count) scalars do not fill shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor whose elements are written by `initializer`, which must set every element.
    /// Skips the zero fill that `init(zeros:)` pays for; ops use it for their outputs.
    public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void)
        rethrows
    {
        let count = Tensor.elementCount(shape)
        let scalars = try [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            try initializer(buffer)
            initializedCount = count
        }
        self.init(shape: shape, scalars: scalars)
    }

    /// Number of elements.
    public var count: Int { scalars.count }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// The extent of `axis`; negative axes count from the end, as in PyTorch.
    public func size(_ axis: Int) -> Int { shape[normalizedAxis(axis)] }

    /// `axis` mapped into `0..<rank` (so -1 is the last axis).
    public func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
        return a
    }

    /// The same elements viewed with another shape; one extent may be -1 and is inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[inferred] = count / known
        }
        precondition(Tensor.elementCount(resolved) == count, "cannot reshape \(shape) to \(newShape)")
        var result = self
        result.shape = resolved
        return result
    }

    /// Read-only access to the elements.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Mutable access to the elements (triggers a copy if the storage is shared).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Product of the extents of `shape`.
    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = scalars.prefix(8).map { String(format: "%.5g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(head)\(count > 8 ? ", ..." : "")])"
    }
}
