import CBLAS

/// Row-major single-precision matrix product through OpenBLAS:
/// `C = alpha * op(A) * op(B) + beta * C`, with `op(A)` of shape `[m, k]`, `op(B)` of shape `[k, n]`
/// and `C` of shape `[m, n]`; `lda`, `ldb`, `ldc` are the row strides of the matrices as stored.
///
/// Every GEMM-based op goes through here, from the calling thread: OpenBLAS threads the product
/// itself, so calling it from inside `Parallel.forEach` would oversubscribe the cores.
/// With `beta == 0`, `C` is only written, never read (BLAS semantics), so it may be uninitialised.
@inline(__always)
func sgemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    precondition(
        [m, n, k, lda, ldb, ldc].allSatisfy { $0 <= Int(Int32.max) },
        "matrix extent beyond OpenBLAS's 32-bit index range")
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(max(1, lda)), b, Int32(max(1, ldb)), beta, c,
        Int32(max(1, ldc)))
}
