/// The engine behind the elementwise operators: NumPy / PyTorch broadcasting of two operands.
///
/// Shapes are aligned at their last axes; an extent of 1 (or a missing leading axis) repeats to match the
/// other operand. Each operand then gets a stride per result axis (0 where it repeats), and adjacent axes
/// along which both operands advance uniformly are merged. What remains is a loop over rows of the last
/// merged axis, whose inner loop is one of three vectorizable forms:
/// - both operands advance (same shape, or the trailing block of `[B, L, C] * [C]`),
/// - the right one stays put (`[N, C, H, W] + [N, C, 1, 1]`: a per-row scalar),
/// - the left one stays put.
/// Same-shape and scalar operands merge to a single row, which is split over the cores.

/// The result shape of broadcasting `a` against `b`, or nil when an axis differs and neither extent is 1.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a
    let pb = [Int](repeating: 1, count: rank - b.count) + b
    var shape = [Int]()
    shape.reserveCapacity(rank)
    for (x, y) in zip(pa, pb) {
        if x == y || y == 1 { shape.append(x) } else if x == 1 { shape.append(y) } else { return nil }
    }
    return shape
}

/// A binary elementwise function, as a type so loops specialize on it and vectorize.
protocol ElementwiseOperator {
    static func apply(_ a: Float, _ b: Float) -> Float
}

enum AddOperator: ElementwiseOperator {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b }
}

enum SubtractOperator: ElementwiseOperator {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b }
}

enum MultiplyOperator: ElementwiseOperator {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b }
}

enum DivideOperator: ElementwiseOperator {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b }
}

/// Two operand shapes broadcast and merged to the fewest axes.
struct BroadcastPlan {
    /// The (unmerged) result shape.
    let shape: [Int]
    /// Merged result extents and each operand's stride along them (0 where it repeats).
    private(set) var extents: [Int] = []
    private(set) var lhsStrides: [Int] = []
    private(set) var rhsStrides: [Int] = []

    init?(_ lhs: [Int], _ rhs: [Int]) {
        guard let shape = broadcastShape(lhs, rhs) else { return nil }
        self.shape = shape
        let a = BroadcastPlan.strides(lhs, rank: shape.count)
        let b = BroadcastPlan.strides(rhs, rank: shape.count)
        for axis in shape.indices where shape[axis] != 1 {
            let n = shape[axis]
            if let la = lhsStrides.last, let lb = rhsStrides.last, la == a[axis] * n, lb == b[axis] * n {
                extents[extents.count - 1] *= n
                lhsStrides[lhsStrides.count - 1] = a[axis]
                rhsStrides[rhsStrides.count - 1] = b[axis]
            } else {
                extents.append(n)
                lhsStrides.append(a[axis])
                rhsStrides.append(b[axis])
            }
        }
        if extents.isEmpty {  // a single element
            extents = [1]
            lhsStrides = [0]
            rhsStrides = [0]
        }
    }

    /// Row-major strides of `shape` left-padded to `rank`, with 0 on axes of extent 1 (they repeat).
    private static func strides(_ shape: [Int], rank: Int) -> [Int] {
        let padded = [Int](repeating: 1, count: rank - shape.count) + shape
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            strides[axis] = padded[axis] == 1 ? 0 : step
            step *= padded[axis]
        }
        return strides
    }

    /// Writes `Op(lhs, rhs)` for every result element into `out` (which may be `lhs` itself when
    /// the result has the left operand's shape: each element is read before it is written).
    func run<Op: ElementwiseOperator>(
        _: Op.Type, _ lhs: UnsafePointer<Float>, _ rhs: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        let rowLength = extents[extents.count - 1]
        let sa = lhsStrides[lhsStrides.count - 1], sb = rhsStrides[rhsStrides.count - 1]
        let (a, b, o) = (UncheckedSendable(lhs), UncheckedSendable(rhs), UncheckedSendable(out))
        let grain = 1 << 15
        if extents.count == 1 {
            Parallel.forEach(rowLength, grain: grain) { range in
                let start = range.lowerBound
                broadcastRow(Op.self, a.value + start * sa, sa, b.value + start * sb, sb, o.value + start, range.count)
            }
            return
        }
        let rows = extents.dropLast().reduce(1, *)
        Parallel.forEach(rows, grain: max(1, grain / rowLength)) { range in
            for row in range {
                var rest = row, ia = 0, ib = 0
                for axis in stride(from: extents.count - 2, through: 0, by: -1) {
                    let i = rest % extents[axis]
                    rest /= extents[axis]
                    ia += i * lhsStrides[axis]
                    ib += i * rhsStrides[axis]
                }
                broadcastRow(Op.self, a.value + ia, sa, b.value + ib, sb, o.value + row * rowLength, rowLength)
            }
        }
    }
}

/// One row: `out[i] = Op(a[i * sa], b[i * sb])` with strides 0 or 1, specialized so each form vectorizes.
@inline(__always)
private func broadcastRow<Op: ElementwiseOperator>(
    _: Op.Type, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
    _ out: UnsafeMutablePointer<Float>, _ count: Int
) {
    switch (sa, sb) {
    case (1, 1):
        for i in 0..<count { out[i] = Op.apply(a[i], b[i]) }
    case (1, 0):
        let v = b[0]
        for i in 0..<count { out[i] = Op.apply(a[i], v) }
    case (0, 1):
        let v = a[0]
        for i in 0..<count { out[i] = Op.apply(v, b[i]) }
    default:
        for i in 0..<count { out[i] = Op.apply(a[i * sa], b[i * sb]) }
    }
}

/// `Op(lhs, rhs)` with broadcasting, into a new tensor of the broadcast shape.
func broadcastBinary<Op: ElementwiseOperator>(_ op: Op.Type, _ lhs: Tensor, _ rhs: Tensor) -> Tensor {
    guard let plan = BroadcastPlan(lhs.shape, rhs.shape) else {
        preconditionFailure("shapes \(lhs.shape) and \(rhs.shape) do not broadcast")
    }
    return Tensor(shape: plan.shape) { out in
        guard !out.isEmpty else { return }
        lhs.withUnsafeBufferPointer { a in
            rhs.withUnsafeBufferPointer { b in
                plan.run(op, a.baseAddress!, b.baseAddress!, out.baseAddress!)
            }
        }
    }
}

/// `lhs = Op(lhs, rhs)` in place; `rhs` must broadcast to `lhs`'s shape.
func broadcastBinaryInPlace<Op: ElementwiseOperator>(_ op: Op.Type, _ lhs: inout Tensor, _ rhs: Tensor) {
    guard let plan = BroadcastPlan(lhs.shape, rhs.shape), plan.shape == lhs.shape else {
        preconditionFailure("\(rhs.shape) does not broadcast to \(lhs.shape) for an in-place op")
    }
    guard lhs.count > 0 else { return }
    rhs.withUnsafeBufferPointer { b in
        lhs.withUnsafeMutableBufferPointer { a in
            plan.run(op, UnsafePointer(a.baseAddress!), b.baseAddress!, a.baseAddress!)
        }
    }
}

/// `Op(lhs, scalar)` or `Op(scalar, rhs)`: a 0-d operand broadcast over the tensor.
func scalarBinary<Op: ElementwiseOperator>(_ op: Op.Type, _ tensor: Tensor, _ scalar: Float, scalarFirst: Bool)
    -> Tensor
{
    let scalarTensor = Tensor(shape: [], scalars: [scalar])
    return scalarFirst ? broadcastBinary(op, scalarTensor, tensor) : broadcastBinary(op, tensor, scalarTensor)
}
