/// im2col and its adjoint col2im: the reshuffles that turn a convolution into one matrix product.
///
/// The column matrix has one row per (channel, ky, kx) tap, `channels * kernelArea` rows, and one column
/// per output pixel. Both functions work on a band of output rows (`outputRows`) so that callers can
/// bound the column buffer for large images (an SD VAE decoder conv at 512x512 would otherwise need
/// gigabytes) and still hand BLAS wide products.

/// Writes the columns of output rows `outputRows` for `channels` planes of `image`
/// (`[channels, inputHeight, inputWidth]`, contiguous) into `columns`
/// (`[channels * kernelArea, outputRows.count * outputWidth]`, row-major). Padding taps read zero.
func im2col(
    image: UnsafePointer<Float>, channels: Int, geometry g: ConvolutionGeometry, outputRows: Range<Int>,
    columns: UnsafeMutablePointer<Float>
) {
    let outputWidth = g.outputWidth
    let width = outputRows.count * outputWidth
    let planeSize = g.inputHeight * g.inputWidth
    let rowCount = channels * g.kernelArea
    let image = UncheckedSendable(image)
    let columns = UncheckedSendable(columns)
    Parallel.forEach(rowCount, grain: max(1, 32_768 / max(1, width))) { rows in
        for row in rows {
            let channel = row / g.kernelArea
            let ky = (row % g.kernelArea) / g.kernelWidth
            let kx = row % g.kernelWidth
            let plane = image.value + channel * planeSize
            let valid = g.validOutputColumns(kx: kx)
            let validRows = g.validOutputRows(ky: ky)
            let dx = g.columnOffset(kx: kx)
            var destination = columns.value + row * width
            for oy in outputRows {
                defer { destination += outputWidth }
                guard validRows.contains(oy) else {
                    destination.update(repeating: 0, count: outputWidth)
                    continue
                }
                let source = plane + (oy * g.strideY + g.rowOffset(ky: ky)) * g.inputWidth + dx
                destination.update(repeating: 0, count: valid.lowerBound)
                if g.strideX == 1 {
                    (destination + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
                } else {
                    for ox in valid { destination[ox] = source[ox * g.strideX] }
                }
                (destination + valid.upperBound).update(repeating: 0, count: outputWidth - valid.upperBound)
            }
        }
    }
}

/// The adjoint of `im2col`: adds every entry of `columns` (laid out as `im2col` writes them for output
/// rows `outputRows`) into the input pixel its tap reads, in `image` (`[channels, inputHeight, inputWidth]`).
/// Taps that fall in the padding are dropped. This is the scatter of a transposed convolution.
func col2im(
    columns: UnsafePointer<Float>, channels: Int, geometry g: ConvolutionGeometry, outputRows: Range<Int>,
    image: UnsafeMutablePointer<Float>
) {
    let outputWidth = g.outputWidth
    let width = outputRows.count * outputWidth
    let planeSize = g.inputHeight * g.inputWidth
    let image = UncheckedSendable(image)
    let columns = UncheckedSendable(columns)
    // One channel's taps only touch that channel's plane, so channels can be split across threads.
    Parallel.forEach(channels) { channelRange in
        for channel in channelRange {
            let plane = image.value + channel * planeSize
            for ky in 0..<g.kernelHeight {
                let validRows = g.validOutputRows(ky: ky)
                for kx in 0..<g.kernelWidth {
                    let valid = g.validOutputColumns(kx: kx)
                    let dx = g.columnOffset(kx: kx)
                    let row = (channel * g.kernelHeight + ky) * g.kernelWidth + kx
                    var source = columns.value + row * width
                    for oy in outputRows {
                        defer { source += outputWidth }
                        guard validRows.contains(oy) else { continue }
                        let target = plane + (oy * g.strideY + g.rowOffset(ky: ky)) * g.inputWidth + dx
                        if g.strideX == 1 {
                            for ox in valid { target[ox] += source[ox] }
                        } else {
                            for ox in valid { target[ox * g.strideX] += source[ox] }
                        }
                    }
                }
            }
        }
    }
}

/// The loop of the GEMM convolutions (`conv2d` through im2col, `convTranspose2d` through col2im): for each
/// image `n < batch` and group `group < groups`, rows `0..<rows` of the grid the column matrix indexes
/// (the forward convolution's output rows, `rowWidth` pixels each) in bands of as many rows as `budget`
/// floats of columns allow. One column buffer of `columnRows` x (band pixels) floats serves every call of
/// `body(n, group, band, columns)`.
func forEachColumnBand(
    batch: Int, groups: Int, rows: Int, rowWidth: Int, columnRows: Int, budget: Int,
    _ body: (_ n: Int, _ group: Int, _ band: Range<Int>, _ columns: UnsafeMutablePointer<Float>) -> Void
) {
    let bandRows = im2colBandRows(columnRows: columnRows, outputHeight: rows, outputWidth: rowWidth, budget: budget)
    let columns = UnsafeMutablePointer<Float>.allocate(capacity: columnRows * bandRows * rowWidth)
    defer { columns.deallocate() }
    for n in 0..<batch {
        for group in 0..<groups {
            for bandStart in stride(from: 0, to: rows, by: bandRows) {
                body(n, group, bandStart..<min(rows, bandStart + bandRows), columns)
            }
        }
    }
}

/// How many output rows one im2col band holds: as many as fit in `budget` floats, at least one and at
/// most the whole image.
func im2colBandRows(columnRows: Int, outputHeight: Int, outputWidth: Int, budget: Int) -> Int {
    let perRow = max(1, columnRows * outputWidth)
    return max(1, min(outputHeight, budget / perRow))
}

/// Most floats an im2col/col2im column buffer may hold (unless one output row alone needs more):
/// 4 Mi floats (16 MB) keeps SD's widest convs in few bands (320 channels 3x3 at 64x64 needs
/// 2880 x 4096 floats unbanded, a VAE decoder conv at 512x512 gigabytes) while BLAS still gets
/// products over thousands of columns.
let columnBufferBudget = 1 << 22
