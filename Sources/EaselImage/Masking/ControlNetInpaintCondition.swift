extension Image {
    /// The condition image of ControlNet v1.1 inpaint (`control_v11p_sd15_inpaint`), as its model card and
    /// diffusers' ControlNet-inpaint docs build it (`make_inpaint_condition`): the image as RGB in [0, 1]
    /// (`x / 255` in float32) with every pixel whose mask value `/ 255 > 0.5` (128 and up) set to -1 in all
    /// three channels. Planar (3 x height x width), for the pipeline to wrap in a 1x3xHxW tensor.
    public func controlNetInpaintCondition(mask: Mask) throws -> [Float] {
        try mask.checkSize(matches: self)
        let rgb = droppingAlpha()
        var values = rgb.planarFloats(range: .zeroToOne)
        let planeSize = width * height
        for index in 0..<planeSize where Float(mask.values[index]) / 255 > 0.5 {
            for channel in 0..<3 { values[channel * planeSize + index] = -1 }
        }
        return values
    }
}
