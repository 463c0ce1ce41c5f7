import Foundation

/// 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016): each 2x2 block of output comes from a 4x4 block of input with 16
/// multiplications per channel pair instead of 36, so the GEMM work of a convolution drops 2.25-fold. These
/// convolutions are most of the UNet's and nearly all of the VAE's arithmetic.
///
/// With `U = G g Gᵀ` (each 3x3 filter as 4x4), `V = Bᵀ d B` (each 4x4 input tile), the 16 products
/// `M[ξ] = U[ξ] V[ξ]` are GEMMs over channels (`[O, C] x [C, tiles]`), and `Y = Aᵀ M A` gives each 2x2 output.
/// The transforms only add, subtract and halve, so the result differs from the direct sum by rounding alone:
/// measured against float64 it stays within a few times the direct convolution's own error
/// (`Convolution2DTests` states it).
enum WinogradConvolution {
    /// Tiles of one band: at most this many floats in each of the transformed-input and product buffers
    /// (16 x channels x tiles), so memory stays bounded at any image size (64 MB each).
    static let bandBudget = 1 << 24

    /// Output planes smaller than this (32x32) stay on the im2col path: with few tiles the 16 GEMMs are thin and
    /// the transformed weights (16 x O x C floats, written every call) cost more than the multiplications saved
    /// (measured: the SD UNet's 1280-channel 8x8 level was slower this way).
    static let minimumPlane = 1024

    /// Whether a convolution takes this path: 3x3, stride 1, no dilation, one group, and wide enough that the
    /// transforms' memory traffic is paid back by the 16 smaller GEMMs.
    static func applies(geometry: ConvolutionGeometry, groups: Int, channels: Int, outChannels: Int) -> Bool {
        geometry.kernelHeight == 3 && geometry.kernelWidth == 3 && geometry.strideY == 1 && geometry.strideX == 1
            && geometry.dilationY == 1 && geometry.dilationX == 1 && groups == 1
            && channels >= 32 && outChannels >= 32 && geometry.outputHeight * geometry.outputWidth >= minimumPlane
    }

    /// Off when the environment sets `EASEL_WINOGRAD=0`, so a benchmark can compare against the im2col path.
    static let enabled: Bool = {
        guard let value = getenv("EASEL_WINOGRAD") else { return true }
        return String(cString: value) != "0"
    }()

    /// `U = G g Gᵀ` for every filter: `[16][O][C]`, `G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]]`.
    static func transformedWeights(_ weight: Tensor) -> [Float] {
        let (outChannels, channels) = (weight.shape[0], weight.shape[1])
        let planes = outChannels * channels
        return [Float](unsafeUninitializedCapacity: 16 * planes) { buffer, initialized in
            let u = UncheckedSendable(buffer.baseAddress!)
            weight.withUnsafeBufferPointer { w in
                let source = UncheckedSendable(w.baseAddress!)
                Parallel.forEach(planes, grain: 4096) { range in
                    for plane in range {
                        let g = source.value + plane * 9
                        // Gg: 4 rows of 3 (a SIMD4 each, the last lane unused), then (Gg)Gᵀ row by row.
                        let g0 = SIMD4<Float>(g[0], g[1], g[2], 0)
                        let g1 = SIMD4<Float>(g[3], g[4], g[5], 0)
                        let g2 = SIMD4<Float>(g[6], g[7], g[8], 0)
                        @inline(__always) func store(_ r: SIMD4<Float>, _ row: Int) {
                            let (a, b, c) = (r[0], r[1], r[2])
                            u.value[(row * 4) * planes + plane] = a
                            u.value[(row * 4 + 1) * planes + plane] = 0.5 * (a + b + c)
                            u.value[(row * 4 + 2) * planes + plane] = 0.5 * (a - b + c)
                            u.value[(row * 4 + 3) * planes + plane] = c
                        }
                        store(g0, 0)
                        store(0.5 * (g0 + g1 + g2), 1)
                        store(0.5 * (g0 - g1 + g2), 2)
                        store(g2, 3)
                    }
                }
            }
            initialized = 16 * planes
        }
    }

    /// The convolution of `input` `[N, C, H, W]` with 3x3 `weight` `[O, C, 3, 3]`, stride 1, zero padding.
    /// - Parameter bandBudget: floats in each band buffer (tests pass small ones to force many bands).
    static func convolve(
        _ input: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, bandBudget: Int = bandBudget
    ) -> Tensor {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let (outHeight, outWidth) = (geometry.outputHeight, geometry.outputWidth)
        let tileColumns = (outWidth + 1) / 2
        let tileRows = (outHeight + 1) / 2
        let bandTileRows = max(1, min(tileRows, bandBudget / max(1, 16 * max(channels, outChannels) * tileColumns)))
        let maxBandTiles = bandTileRows * tileColumns
        let u = transformedWeights(weight)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * channels * maxBandTiles)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * outChannels * maxBandTiles)
        defer {
            v.deallocate()
            m.deallocate()
        }
        let (padY, padX) = (geometry.paddingY, geometry.paddingX)

        return Tensor(shape: [batch, outChannels, outHeight, outWidth]) { output in
            input.withUnsafeBufferPointer { inputBuffer in
                u.withUnsafeBufferPointer { uBuffer in
                    let x = UncheckedSendable(inputBuffer.baseAddress!)
                    let (vBox, mBox, out) = (UncheckedSendable(v), UncheckedSendable(m), UncheckedSendable(output.baseAddress!))
                    for image in 0..<batch {
                        for firstTileRow in stride(from: 0, to: tileRows, by: bandTileRows) {
                            let bandRows = min(bandTileRows, tileRows - firstTileRow)
                            let tiles = bandRows * tileColumns
                            // V = Bᵀ d B for every channel and tile of the band: [16][C][tiles].
                            Parallel.forEach(channels, grain: max(1, 4096 / max(1, tiles))) { range in
                                for channel in range {
                                    transformInput(
                                        plane: x.value + (image * channels + channel) * height * width,
                                        height: height, width: width, padY: padY, padX: padX,
                                        firstTileRow: firstTileRow, tileRows: bandRows, tileColumns: tileColumns,
                                        into: vBox.value + channel * tiles, elementStride: channels * tiles)
                                }
                            }
                            // M[ξ] = U[ξ] V[ξ]: [O, C] x [C, tiles].
                            for element in 0..<16 {
                                sgemm(
                                    m: outChannels, n: tiles, k: channels,
                                    a: uBuffer.baseAddress! + element * outChannels * channels, lda: channels,
                                    b: v + element * channels * tiles, ldb: tiles,
                                    c: m + element * outChannels * tiles, ldc: tiles)
                            }
                            // Y = Aᵀ M A (+ bias) into the band's output rows.
                            Parallel.forEach(outChannels, grain: max(1, 4096 / max(1, tiles))) { range in
                                for channel in range {
                                    transformOutput(
                                        products: mBox.value + channel * tiles, elementStride: outChannels * tiles,
                                        bias: bias.map { $0.scalars[channel] } ?? 0,
                                        plane: out.value + (image * outChannels + channel) * outHeight * outWidth,
                                        height: outHeight, width: outWidth,
                                        firstTileRow: firstTileRow, tileRows: bandRows, tileColumns: tileColumns)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `Bᵀ d B` of each 4x4 input tile of one channel, `Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0],
    /// [0, 1, 0, -1]]`; element ξ of tile t goes to `into[ξ * elementStride + t]`. Tile (r, c) reads input rows
    /// `2r - padY ..< 2r - padY + 4` and columns likewise, zero outside the plane.
    @inline(__always)
    private static func transformInput(
        plane: UnsafePointer<Float>, height: Int, width: Int, padY: Int, padX: Int,
        firstTileRow: Int, tileRows: Int, tileColumns: Int,
        into destination: UnsafeMutablePointer<Float>, elementStride: Int
    ) {
        @inline(__always) func row(_ y: Int, _ left: Int) -> SIMD4<Float> {
            guard y >= 0, y < height else { return SIMD4() }
            let line = plane + y * width
            if left >= 0, left + 4 <= width {
                return SIMD4(line[left], line[left + 1], line[left + 2], line[left + 3])
            }
            var values = SIMD4<Float>()
            for i in 0..<4 where left + i >= 0 && left + i < width { values[i] = line[left + i] }
            return values
        }
        // (Bᵀ d) B for one row r of Bᵀ d: element ξ = 4 * index + column.
        @inline(__always) func store(_ r: SIMD4<Float>, _ index: Int, _ tile: Int) {
            let base = destination + index * 4 * elementStride + tile
            base[0] = r[0] - r[2]
            base[elementStride] = r[1] + r[2]
            base[2 * elementStride] = r[2] - r[1]
            base[3 * elementStride] = r[1] - r[3]
        }
        /// Columns 0...3 of 8 consecutive tiles of input row `y` starting at column `left` (which must leave 18
        /// columns in the row): tile t reads columns left + 2t ... left + 2t + 3.
        @inline(__always) func eightTiles(_ y: Int, _ left: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
            guard y >= 0, y < height else { return (SIMD8(), SIMD8(), SIMD8(), SIMD8()) }
            let p = plane + y * width + left
            let even = SIMD8(p[0], p[2], p[4], p[6], p[8], p[10], p[12], p[14])
            let odd = SIMD8(p[1], p[3], p[5], p[7], p[9], p[11], p[13], p[15])
            let nextEven = SIMD8(p[2], p[4], p[6], p[8], p[10], p[12], p[14], p[16])
            let nextOdd = SIMD8(p[3], p[5], p[7], p[9], p[11], p[13], p[15], p[17])
            return (even, odd, nextEven, nextOdd)
        }
        @inline(__always) func store8(_ v: SIMD8<Float>, _ element: Int, _ tile: Int) {
            let base = destination + element * elementStride + tile
            for i in 0..<8 { base[i] = v[i] }
        }
        // (Bᵀ d) B for one row r of Bᵀ d over 8 tiles (columns c0...c3): elements 4 * index + 0...3.
        @inline(__always) func store8(
            _ r: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>), _ index: Int, _ tile: Int
        ) {
            store8(r.0 - r.2, 4 * index, tile)
            store8(r.1 + r.2, 4 * index + 1, tile)
            store8(r.2 - r.1, 4 * index + 2, tile)
            store8(r.1 - r.3, 4 * index + 3, tile)
        }
        for tileRow in 0..<tileRows {
            let top = 2 * (firstTileRow + tileRow) - padY
            var tileColumn = 0
            while tileColumn < tileColumns {
                let left = 2 * tileColumn - padX
                let tile = tileRow * tileColumns + tileColumn
                if tileColumn + 8 <= tileColumns, left >= 0, left + 18 <= width {
                    // Eight tiles at once, each lane one tile (the same operations as the scalar path below).
                    let d0 = eightTiles(top, left), d1 = eightTiles(top + 1, left)
                    let d2 = eightTiles(top + 2, left), d3 = eightTiles(top + 3, left)
                    store8((d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3), 0, tile)
                    store8((d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3), 1, tile)
                    store8((d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3), 2, tile)
                    store8((d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3), 3, tile)
                    tileColumn += 8
                    continue
                }
                let (d0, d1, d2, d3) = (row(top, left), row(top + 1, left), row(top + 2, left), row(top + 3, left))
                // Bᵀ d: combine rows.
                store(d0 - d2, 0, tile)
                store(d1 + d2, 1, tile)
                store(d2 - d1, 2, tile)
                store(d1 - d3, 3, tile)
                tileColumn += 1
            }
        }
    }

    /// `Aᵀ m A + bias` for each tile of one output channel, `Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]`, written to
    /// the tile's 2x2 output pixels (cut at the plane's last row or column when the size is odd).
    @inline(__always)
    private static func transformOutput(
        products: UnsafePointer<Float>, elementStride: Int, bias: Float,
        plane: UnsafeMutablePointer<Float>, height: Int, width: Int,
        firstTileRow: Int, tileRows: Int, tileColumns: Int
    ) {
        @inline(__always) func load8(_ element: Int, _ tile: Int) -> SIMD8<Float> {
            let base = products + element * elementStride + tile
            return SIMD8(base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7])
        }
        for tileRow in 0..<tileRows {
            let y = 2 * (firstTileRow + tileRow)
            var tileColumn = 0
            while tileColumn < tileColumns {
                let tile = tileRow * tileColumns + tileColumn
                let x = 2 * tileColumn
                if tileColumn + 8 <= tileColumns, x + 16 <= width {
                    // Eight whole tiles at once, each lane one tile (the scalar path's operations, in its order).
                    var top = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                    var bottom = top
                    for column in 0..<4 {
                        let (m0, m1, m2, m3) = (
                            load8(column, tile), load8(4 + column, tile), load8(8 + column, tile), load8(12 + column, tile)
                        )
                        let t = m0 + m1 + m2
                        let b = m1 - m2 - m3
                        switch column {
                        case 0: (top.0, bottom.0) = (t, b)
                        case 1: (top.1, bottom.1) = (t, b)
                        case 2: (top.2, bottom.2) = (t, b)
                        default: (top.3, bottom.3) = (t, b)
                        }
                    }
                    let bias8 = SIMD8<Float>(repeating: bias)
                    let y00 = top.0 + top.1 + top.2 + bias8, y01 = top.1 - top.2 - top.3 + bias8
                    let line = plane + y * width + x
                    for i in 0..<8 {
                        line[2 * i] = y00[i]
                        line[2 * i + 1] = y01[i]
                    }
                    if y + 1 < height {
                        let y10 = bottom.0 + bottom.1 + bottom.2 + bias8, y11 = bottom.1 - bottom.2 - bottom.3 + bias8
                        let next = line + width
                        for i in 0..<8 {
                            next[2 * i] = y10[i]
                            next[2 * i + 1] = y11[i]
                        }
                    }
                    tileColumn += 8
                    continue
                }
                func element(_ i: Int) -> Float { products[i * elementStride + tile] }
                // Aᵀ m: 2 rows of 4.
                var top = SIMD4<Float>(), bottom = SIMD4<Float>()
                for column in 0..<4 {
                    let (m0, m1, m2, m3) = (element(column), element(4 + column), element(8 + column), element(12 + column))
                    top[column] = m0 + m1 + m2
                    bottom[column] = m1 - m2 - m3
                }
                // (Aᵀ m) A.
                let line = plane + y * width + x
                line[0] = top[0] + top[1] + top[2] + bias
                if x + 1 < width { line[1] = top[1] - top[2] - top[3] + bias }
                if y + 1 < height {
                    line[width] = bottom[0] + bottom[1] + bottom[2] + bias
                    if x + 1 < width { line[width + 1] = bottom[1] - bottom[2] - bottom[3] + bias }
                }
                tileColumn += 1
            }
        }
    }
}
