extension Mask {
    /// AUTOMATIC1111's `masking.get_crop_region_v2(mask, pad)`: the bounding box of the non-zero values grown by
    /// `padding` on every side and clipped to the mask; nil for an all-zero mask (A1111 then falls back to
    /// whole-picture inpainting). diffusers' `VaeImageProcessor.get_crop_region` step 1-2 is the same for any
    /// mask that is not blank.
    public func cropRegion(padding: Int) throws -> PixelRegion? {
        guard padding >= 0 else { throw ImageError.invalidArgument("inpaint padding must be >= 0, got \(padding)") }
        guard let box = boundingBox else { return nil }
        return PixelRegion(
            x1: max(box.x1 - padding, 0), y1: max(box.y1 - padding, 0),
            x2: min(box.x2 + padding, width), y2: min(box.y2 + padding, height))
    }

    /// "Inpaint only masked": `get_crop_region_v2` then `expand_crop_region` to the aspect ratio of the
    /// `processingWidth` x `processingHeight` generation (A1111's `inpaint_full_res`; diffusers'
    /// `get_crop_region(mask, width, height, pad)` computes the same region). Nil for a blank mask.
    public func inpaintCropRegion(padding: Int, processingWidth: Int, processingHeight: Int) throws -> PixelRegion? {
        try cropRegion(padding: padding)?.expanded(
            toAspectOf: processingWidth, processingHeight, insideWidth: width, height: height)
    }
}

extension PixelRegion {
    /// AUTOMATIC1111's `masking.expand_crop_region(crop_region, processing_width, processing_height,
    /// image_width, image_height)`: grows the shorter side (split evenly, the extra pixel after) until the
    /// region has the processing aspect ratio, shifted back inside the image and clipped. Python's float ratio,
    /// `int()` truncation and floor division, step for step; the result can keep a slightly different ratio
    /// when it reaches the image's size, as in A1111.
    public func expanded(toAspectOf processingWidth: Int, _ processingHeight: Int, insideWidth imageWidth: Int,
                         height imageHeight: Int) throws -> PixelRegion {
        guard processingWidth > 0, processingHeight > 0, width > 0, height > 0 else {
            throw ImageError.invalidArgument(
                "cannot expand crop region \(self) to a \(processingWidth)x\(processingHeight) aspect")
        }
        var (x1, y1, x2, y2) = (self.x1, self.y1, self.x2, self.y2)
        let ratioCrop = Double(x2 - x1) / Double(y2 - y1)
        let ratioProcessing = Double(processingWidth) / Double(processingHeight)
        /// Grows `low..<high` by `diff` (half each side, floor first), then shifts it back inside `0...limit`.
        func grow(_ low: inout Int, _ high: inout Int, by diff: Int, limit: Int) {
            low -= floorDivide(diff, 2)
            high += diff - floorDivide(diff, 2)
            if high >= limit {
                let overflow = high - limit
                high -= overflow
                low -= overflow
            }
            if low < 0 {
                high -= low
                low = 0
            }
            if high >= limit { high = limit }
        }
        if ratioCrop > ratioProcessing {
            let desiredHeight = Double(x2 - x1) / ratioProcessing
            grow(&y1, &y2, by: Int(desiredHeight - Double(y2 - y1)), limit: imageHeight)
        } else {
            let desiredWidth = Double(y2 - y1) * ratioProcessing
            grow(&x1, &x2, by: Int(desiredWidth - Double(x2 - x1)), limit: imageWidth)
        }
        return PixelRegion(x1: x1, y1: y1, x2: x2, y2: y2)
    }
}

/// Python's `a // b` (rounds toward negative infinity).
func floorDivide(_ a: Int, _ b: Int) -> Int {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}
