/// Batched matrix product, as `torch.matmul` for inputs of rank 2 or more, with optional transposes
/// of the last two axes (`torch.matmul(a.transpose(-2, -1), b)` and so on) that cost nothing.
///
/// - Parameters:
///   - a: `[..., M, K]` (`[..., K, M]` when `transposeA`).
///   - b: `[..., K, N]` (`[..., N, K]` when `transposeB`), with the same leading (batch) axes as `a`,
///     or 2-D, in which case it is shared by every matrix of `a` (torch's broadcast).
/// - Returns: `[..., M, N]`.
///
/// A 2-D `b` with an untransposed `a` is one GEMM over all of `a`'s rows; otherwise one GEMM per matrix.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands must have rank 2 or more, got \(a.shape) and \(b.shape)")
    let batchShape = Array(a.shape.dropLast(2))
    let sharedB = b.rank == 2
    precondition(
        sharedB || Array(b.shape.dropLast(2)) == batchShape,
        "matmul: batch axes of \(a.shape) and \(b.shape) differ (b must match them or be 2-D)")
    let (aRows, aColumns) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (bRows, bColumns) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
    let (bK, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
    precondition(
        k == bK,
        "matmul: inner extents differ: \(a.shape)\(transposeA ? "^T" : "") x \(b.shape)\(transposeB ? "^T" : "")")
    let batch = Tensor.elementCount(batchShape)

    return Tensor(shape: batchShape + [m, n]) { output in
        guard m > 0, n > 0, batch > 0 else { return }
        let out = output.baseAddress!
        guard k > 0 else {
            output.update(repeating: 0)
            return
        }
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                let x = aBuffer.baseAddress!
                let y = bBuffer.baseAddress!
                if sharedB && !transposeA {
                    // The stacked rows of every matrix of `a` form one [batch M, K] matrix.
                    sgemm(
                        transposeB: transposeB, m: batch * m, n: n, k: k,
                        a: x, lda: aColumns, b: y, ldb: bColumns, c: out, ldc: n)
                    return
                }
                for index in 0..<batch {
                    sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        a: x + index * aRows * aColumns, lda: aColumns,
                        b: y + (sharedB ? 0 : index * bRows * bColumns), ldb: bColumns,
                        c: out + index * m * n, ldc: n)
                }
            }
        }
    }
}
