import CBLAS

/// Row-major single-precision matrix product through OpenBLAS:
/// `C = alpha * op(A) * op(B) + beta * C`, with `op(A)` of shape `[m, k]`, `op(B)` of shape `[k, n]`
/// and `C` of shape `[m, n]`; `lda`, `ldb`, `ldc` are the row strides of the matrices as stored.
///
/// Every GEMM-based op goes through here, from the calling thread. Easel threads the product itself
/// (`GEMMThreading`): OpenBLAS runs single-threaded, and a large product is cut into one slab of C per core,
/// each computed by its own single-threaded `cblas_sgemm` at the same time. k is never split, so each element
/// of C is still one dot product accumulated by OpenBLAS's kernel (only the edge kernels a slab width picks may
/// differ from the unsplit call's).
/// With `beta == 0`, `C` is only written, never read (BLAS semantics), so it may be uninitialised.
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
    GEMMThreading.configure()
    let product = GEMMProduct(
        transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta, a: a, lda: lda, b: b, ldb: ldb,
        c: c, ldc: ldc, k: k)
    guard Parallel.threadCount > 1, m * n * max(k, 1) >= GEMMThreading.minimumSplitWork else {
        product.run(rows: 0..<m, columns: 0..<n)
        return
    }
    let align = GEMMThreading.columnAlignment
    if n >= align * Parallel.threadCount {
        // Column slabs, each a whole number of 16-column blocks (whole cache lines of C and B) but the last.
        Parallel.forEach((n + align - 1) / align) { blocks in
            product.run(rows: 0..<m, columns: min(n, blocks.lowerBound * align)..<min(n, blocks.upperBound * align))
        }
    } else {
        Parallel.forEach(m) { rows in product.run(rows: rows, columns: 0..<n) }
    }
}

/// How GEMMs use the cores.
///
/// OpenBLAS's own threads busy-wait (`sched_yield`) for a while after each product, so on a machine with few
/// cores they compete with the memory-bound ops that run between GEMMs (norms, activations, im2col, softmax):
/// `perf` showed a tenth of a UNet step's CPU time in the scheduler. Running OpenBLAS single-threaded and
/// splitting products over `Parallel.threadCount` cores here keeps every core's time for work.
enum GEMMThreading {
    /// Column slabs start at multiples of this many columns.
    static let columnAlignment = 16
    /// Products smaller than this many multiply-adds run on one core: below it the hand-off costs more than it
    /// saves (a 64x64x64 product is 0.26 M).
    static let minimumSplitWork = 1 << 20

    static func configure() { _ = singleThreadedOpenBLAS }

    private static let singleThreadedOpenBLAS: Bool = {
        openblas_set_num_threads(1)
        return true
    }()
}

/// One `cblas_sgemm` call's operands, so a slab of C (rows x columns) can be computed on its own.
private struct GEMMProduct {
    let transposeA: Bool
    let transposeB: Bool
    let alpha: Float
    let beta: Float
    let a: UnsafePointer<Float>
    let lda: Int
    let b: UnsafePointer<Float>
    let ldb: Int
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let k: Int

    /// `C[rows, columns] = alpha * op(A)[rows, :] op(B)[:, columns] + beta * C[rows, columns]`.
    func run(rows: Range<Int>, columns: Range<Int>) {
        // op(A) rows: rows of A as stored, or its columns when transposed; likewise op(B) columns.
        let aStart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bStart = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(rows.count), Int32(columns.count), Int32(k), alpha, aStart, Int32(max(1, lda)), bStart,
            Int32(max(1, ldb)), beta, c + rows.lowerBound * ldc + columns.lowerBound, Int32(max(1, ldc)))
    }
}
