/// Elementwise arithmetic with broadcasting, as PyTorch's `+ - * /` on tensors (`torch.add`, `torch.sub`,
/// `torch.mul`, `torch.div`): `[N, C, H, W] + [1, C, 1, 1]`, `[B, L, C] * [C]`, the UNet's time-embedding
/// add `[N, C, H, W] + [N, C, 1, 1]`, and scalars on either side. Shapes that do not broadcast are a
/// programming error (precondition). Float results are rounded once per element, so they equal
/// PyTorch's float32 results exactly.
///
/// The compound forms (`+=` ...) write into the left tensor's storage, with no new allocation when that
/// storage is not shared; the right side must broadcast to the left side's shape.
extension Tensor {
    /// `torch.add(lhs, rhs)` with broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastBinary(AddOperator.self, lhs, rhs) }
    /// `torch.sub(lhs, rhs)` with broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastBinary(SubtractOperator.self, lhs, rhs) }
    /// `torch.mul(lhs, rhs)` with broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastBinary(MultiplyOperator.self, lhs, rhs) }
    /// `torch.div(lhs, rhs)` (true division) with broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { broadcastBinary(DivideOperator.self, lhs, rhs) }

    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        scalarBinary(AddOperator.self, lhs, rhs, scalarFirst: false)
    }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor {
        scalarBinary(SubtractOperator.self, lhs, rhs, scalarFirst: false)
    }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        scalarBinary(MultiplyOperator.self, lhs, rhs, scalarFirst: false)
    }
    /// `lhs / rhs` is a true division (not a multiplication by `1 / rhs`), as torch computes it.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor {
        scalarBinary(DivideOperator.self, lhs, rhs, scalarFirst: false)
    }
    public static func + (lhs: Float, rhs: Tensor) -> Tensor {
        scalarBinary(AddOperator.self, rhs, lhs, scalarFirst: true)
    }
    public static func - (lhs: Float, rhs: Tensor) -> Tensor {
        scalarBinary(SubtractOperator.self, rhs, lhs, scalarFirst: true)
    }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor {
        scalarBinary(MultiplyOperator.self, rhs, lhs, scalarFirst: true)
    }
    public static func / (lhs: Float, rhs: Tensor) -> Tensor {
        scalarBinary(DivideOperator.self, rhs, lhs, scalarFirst: true)
    }

    /// `-x` (`torch.neg`).
    public static prefix func - (x: Tensor) -> Tensor { mapElements(x) { -$0 } }

    /// `lhs.add_(rhs)`: `rhs` broadcasts to `lhs`'s shape.
    public static func += (lhs: inout Tensor, rhs: Tensor) { broadcastBinaryInPlace(AddOperator.self, &lhs, rhs) }
    /// `lhs.sub_(rhs)`.
    public static func -= (lhs: inout Tensor, rhs: Tensor) {
        broadcastBinaryInPlace(SubtractOperator.self, &lhs, rhs)
    }
    /// `lhs.mul_(rhs)`.
    public static func *= (lhs: inout Tensor, rhs: Tensor) {
        broadcastBinaryInPlace(MultiplyOperator.self, &lhs, rhs)
    }
    /// `lhs.div_(rhs)`.
    public static func /= (lhs: inout Tensor, rhs: Tensor) { broadcastBinaryInPlace(DivideOperator.self, &lhs, rhs) }

    public static func += (lhs: inout Tensor, rhs: Float) {
        broadcastBinaryInPlace(AddOperator.self, &lhs, Tensor(shape: [], scalars: [rhs]))
    }
    public static func -= (lhs: inout Tensor, rhs: Float) {
        broadcastBinaryInPlace(SubtractOperator.self, &lhs, Tensor(shape: [], scalars: [rhs]))
    }
    public static func *= (lhs: inout Tensor, rhs: Float) {
        broadcastBinaryInPlace(MultiplyOperator.self, &lhs, Tensor(shape: [], scalars: [rhs]))
    }
    public static func /= (lhs: inout Tensor, rhs: Float) {
        broadcastBinaryInPlace(DivideOperator.self, &lhs, Tensor(shape: [], scalars: [rhs]))
    }
}
