extension Mask {
    /// `ImageOps.invert`: 255 - value (A1111's "Inpaint not masked").
    public func inverted() -> Mask {
        Mask(unchecked: width, height, values.map { 255 - $0 })
    }

    /// 255 where the value is above `threshold`, else 0. A1111 rounds alpha masks with threshold 128
    /// (`x > 128`); diffusers' `binarize` (`x / 255 >= 0.5`) is threshold 127.
    public func binarized(threshold: UInt8 = 128) -> Mask {
        Mask(unchecked: width, height, values.map { $0 > threshold ? 255 : 0 })
    }

    /// The smallest rectangle holding every non-zero value (PIL's `Image.getbbox()`), or nil for an all-zero mask.
    public var boundingBox: PixelRegion? {
        var left = width, top = height, right = 0, bottom = 0
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where values[row + x] != 0 {
                left = min(left, x)
                right = max(right, x + 1)
                top = min(top, y)
                bottom = max(bottom, y + 1)
            }
        }
        guard left < right else { return nil }
        return PixelRegion(x1: left, y1: top, x2: right, y2: bottom)
    }

    /// The mask cut to `region`, which must lie inside it (PIL's `crop`).
    public func cropped(to region: PixelRegion) throws -> Mask {
        try Mask(gray: image.cropped(to: region))
    }

    /// `np.clip(mask * 2, 0, 255)`: A1111's `mask_for_overlay` in whole-picture inpainting, which makes every
    /// value from 128 up fully repainted so the blurred edge blends only on its outer half.
    public func doubled() -> Mask {
        Mask(unchecked: width, height, values.map { $0 >= 128 ? 255 : $0 * 2 })
    }
}

extension Image {
    /// The pixels inside `region`, which must lie inside the image (PIL's `Image.crop` without padding).
    public func cropped(to region: PixelRegion) throws -> Image {
        guard region.x1 >= 0, region.y1 >= 0, region.x2 <= width, region.y2 <= height,
            region.width > 0, region.height > 0
        else {
            throw ImageError.invalidArgument("crop region \(region) is not inside the \(width)x\(height) image")
        }
        var output = [UInt8]()
        output.reserveCapacity(region.width * region.height * channels)
        for y in region.y1..<region.y2 {
            let start = (y * width + region.x1) * channels
            output.append(contentsOf: pixels[start..<start + region.width * channels])
        }
        return Image(unchecked: region.width, region.height, layout, output)
    }
}
