import EaselTensor

/// Tiled encoding and decoding, as diffusers' `AutoencoderKL.enable_tiling()` does it (`_tiled_encode`,
/// `tiled_decode`): the input is cut into square tiles that overlap by `overlapFactor`, each tile runs
/// through the network on its own (so memory stays bounded whatever the image size), and each tile's
/// first rows and columns are cross-faded linearly with the tile above and to the left (`blend_v`, `blend_h`)
/// before the tiles are cropped and joined.
///
/// The result equals diffusers' tiled result, and differs from the untiled pass (each tile's group norms and
/// attention see only that tile, and its edges feel the zero padding): the difference is largest where tiles
/// meet, but the cross-fade spreads it so that no step shows (`VAETilingSeamTests` states the measure). Tiling applies only when the input is larger than one tile
/// along a side (diffusers' condition), so small images give the untiled result.
public struct VAETiling: Sendable, Equatable {
    /// Image tile side (diffusers' `tile_sample_min_size` = `config.sample_size`).
    public var sampleTileSize: Int
    /// Latent tile side (diffusers' `tile_latent_min_size` = `int(sample_size / 2^(levels - 1))`).
    public var latentTileSize: Int
    /// The fraction of a tile shared with its neighbour (diffusers' `tile_overlap_factor`, 0.25).
    public var overlapFactor: Double

    /// Sizes are checked when the tiling is used (`validate()`), as they may come from a config file.
    public init(sampleTileSize: Int, latentTileSize: Int, overlapFactor: Double = 0.25) {
        self.sampleTileSize = sampleTileSize
        self.latentTileSize = latentTileSize
        self.overlapFactor = overlapFactor
    }

    /// diffusers' defaults for a model: tiles of `sample_size` pixels and `sample_size / 2^(levels - 1)`
    /// latents (SD 1.5: 512 and 64), overlap 0.25.
    public init(config: AutoencoderKLConfig) {
        self.init(
            sampleTileSize: config.sampleSize,
            latentTileSize: max(1, Int(Double(config.sampleSize) / Double(config.downscaleFactor))))
    }

    /// Throws `AutoencoderKLError.invalidTiling` unless both tiles advance by at least one step (diffusers'
    /// `range(0, side, stride)` fails with a zero stride) and keep at least one row.
    public func validate() throws {
        guard overlapFactor >= 0, overlapFactor < 1 else {
            throw AutoencoderKLError.invalidTiling("overlap factor \(overlapFactor) is not in [0, 1)")
        }
        for (name, size) in [("sample", sampleTileSize), ("latent", latentTileSize)]
        where size <= 0 || Int(Double(size) * (1 - overlapFactor)) <= 0 {
            throw AutoencoderKLError.invalidTiling(
                "a \(name) tile of \(size) with overlap \(overlapFactor) does not advance; use larger tiles")
        }
    }

    /// Whether an image of this size is encoded in tiles (diffusers' `_encode`: a side above the tile).
    public func tilesImage(height: Int, width: Int) -> Bool {
        width > sampleTileSize || height > sampleTileSize
    }

    /// Whether latents of this size are decoded in tiles (diffusers' `_decode`: a side above the tile).
    public func tilesLatents(height: Int, width: Int) -> Bool {
        width > latentTileSize || height > latentTileSize
    }

    /// `_tiled_encode`: image tiles of `sampleTileSize` every `int(sampleTileSize * (1 - overlap))` pixels,
    /// blended over `int(latentTileSize * overlap)` latent rows, cropped to `latentTileSize - blend`.
    func encode(_ images: Tensor, with network: (Tensor) -> Tensor) -> Tensor {
        run(
            images, tile: sampleTileSize, stride: Int(Double(sampleTileSize) * (1 - overlapFactor)),
            blend: Int(Double(latentTileSize) * overlapFactor), keep: latentTileSize - Int(Double(latentTileSize) * overlapFactor),
            network: network)
    }

    /// `tiled_decode`: latent tiles of `latentTileSize` every `int(latentTileSize * (1 - overlap))`, blended
    /// over `int(sampleTileSize * overlap)` pixel rows, cropped to `sampleTileSize - blend`.
    func decode(_ latents: Tensor, with network: (Tensor) -> Tensor) -> Tensor {
        run(
            latents, tile: latentTileSize, stride: Int(Double(latentTileSize) * (1 - overlapFactor)),
            blend: Int(Double(sampleTileSize) * overlapFactor), keep: sampleTileSize - Int(Double(sampleTileSize) * overlapFactor),
            network: network)
    }

    /// The loop both directions share. Tiles start every `stride` along each side (`range(0, side, stride)`)
    /// and are `tile` wide or what is left; the outputs are blended in place in diffusers' order (row by row,
    /// left to right; each tile first with the finished tile above, then with the finished tile to its left)
    /// and each kept to its top-left `keep` x `keep`.
    private func run(_ x: Tensor, tile: Int, stride: Int, blend: Int, keep: Int, network: (Tensor) -> Tensor) -> Tensor {
        precondition(stride > 0 && keep > 0, "VAETiling: validate() before use")
        let (height, width) = (x.shape[2], x.shape[3])
        let rowStarts = Array(Swift.stride(from: 0, to: height, by: stride))
        let columnStarts = Array(Swift.stride(from: 0, to: width, by: stride))
        var rows: [[Tensor]] = []
        for top in rowStarts {
            var row: [Tensor] = []
            for left in columnStarts {
                let piece = Self.crop(x, top: top, left: left, height: min(tile, height - top), width: min(tile, width - left))
                row.append(network(piece))
            }
            rows.append(row)
        }
        var joinedRows: [Tensor] = []
        for i in rows.indices {
            for j in rows[i].indices {
                if i > 0 { Self.blendVertically(from: rows[i - 1][j], into: &rows[i][j], extent: blend) }
                if j > 0 { Self.blendHorizontally(from: rows[i][j - 1], into: &rows[i][j], extent: blend) }
            }
            let kept = rows[i].map { tile in
                Self.crop(tile, top: 0, left: 0, height: min(keep, tile.shape[2]), width: min(keep, tile.shape[3]))
            }
            joinedRows.append(concat(kept, axis: 3))
        }
        return concat(joinedRows, axis: 2)
    }

    /// `x[:, :, top : top + height, left : left + width]`.
    static func crop(_ x: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        if top == 0 && left == 0 && height == h && width == w { return x }
        return pad(x, left: -left, right: width + left - w, top: -top, bottom: height + top - h)
    }

    /// diffusers' `blend_v`: for `y < e = min(a.H, b.H, extent)`,
    /// `b[:, :, y] = a[:, :, y - e] * (1 - y / e) + b[:, :, y] * (y / e)`, row `y - e` counted from `a`'s bottom.
    static func blendVertically(from a: Tensor, into b: inout Tensor, extent: Int) {
        let e = min(a.shape[2], b.shape[2], extent)
        guard e > 0 else { return }
        let (planes, aHeight, bHeight, width) = (b.shape[0] * b.shape[1], a.shape[2], b.shape[2], b.shape[3])
        precondition(a.shape[3] == width && a.shape[0] * a.shape[1] == planes, "blend_v: \(a.shape) and \(b.shape)")
        a.withUnsafeBufferPointer { above in
            b.withUnsafeMutableBufferPointer { below in
                for y in 0..<e {
                    let (fadeOut, fadeIn) = weights(y, e)
                    for plane in 0..<planes {
                        let source = plane * aHeight * width + (aHeight - e + y) * width
                        let target = plane * bHeight * width + y * width
                        for x in 0..<width {
                            below[target + x] = above[source + x] * fadeOut + below[target + x] * fadeIn
                        }
                    }
                }
            }
        }
    }

    /// diffusers' `blend_h`: `blend_v` along the width.
    static func blendHorizontally(from a: Tensor, into b: inout Tensor, extent: Int) {
        let e = min(a.shape[3], b.shape[3], extent)
        guard e > 0 else { return }
        let (planes, height, aWidth, bWidth) = (b.shape[0] * b.shape[1], b.shape[2], a.shape[3], b.shape[3])
        precondition(a.shape[2] == height && a.shape[0] * a.shape[1] == planes, "blend_h: \(a.shape) and \(b.shape)")
        a.withUnsafeBufferPointer { left in
            b.withUnsafeMutableBufferPointer { right in
                for row in 0..<(planes * height) {
                    for x in 0..<e {
                        let (fadeOut, fadeIn) = weights(x, e)
                        let target = row * bWidth + x
                        right[target] = left[row * aWidth + aWidth - e + x] * fadeOut + right[target] * fadeIn
                    }
                }
            }
        }
    }

    /// `(1 - i / e, i / e)` computed in double, as Python does, then used as float32 scalars, as torch does
    /// when it multiplies a float32 tensor by a Python float.
    private static func weights(_ i: Int, _ e: Int) -> (Float, Float) {
        let t = Double(i) / Double(e)
        return (Float(1 - t), Float(t))
    }
}
