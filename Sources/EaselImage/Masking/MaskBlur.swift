extension Mask {
    /// The largest mask blur accepted: A1111's slider stops at 64; larger values only cost time.
    public static let maximumBlur = 1024

    /// AUTOMATIC1111's mask blur (`StableDiffusionProcessingImg2Img.init`, current code): two one-dimensional
    /// OpenCV Gaussian blurs of the 8-bit mask, first horizontal, then vertical, each with
    /// `sigma = blur` and kernel length `2 * int(2.5 * blur + 0.5) + 1`:
    /// `cv2.GaussianBlur(mask, (k, 1), blur_x)` then `cv2.GaussianBlur(mask, (1, k), blur_y)` (reflect-101
    /// border, OpenCV's fixed-point 8-bit path). A blur of 0 skips that direction. (Older A1111 used PIL's
    /// `GaussianBlur`, a box-blur approximation; this is the code of A1111 master, checked for 1.10.)
    public func blurred(x blurX: Int, y blurY: Int) throws -> Mask {
        guard (0...Self.maximumBlur).contains(blurX), (0...Self.maximumBlur).contains(blurY) else {
            throw ImageError.invalidArgument(
                "mask blur must be 0...\(Self.maximumBlur) pixels, got \(blurX) horizontally and \(blurY) vertically")
        }
        var image = self.image
        if blurX > 0 {
            let kernel = Self.a1111KernelSize(blurX)
            image = try image.openCVGaussianBlurred(
                sigmaX: Double(blurX), sigmaY: 0, kernelWidth: kernel, kernelHeight: 1)
        }
        if blurY > 0 {
            let kernel = Self.a1111KernelSize(blurY)
            // cv2.GaussianBlur(m, (1, k), sigmaX=blur): sigmaY 0 means "same as sigmaX".
            image = try image.openCVGaussianBlurred(
                sigmaX: Double(blurY), sigmaY: 0, kernelWidth: 1, kernelHeight: kernel)
        }
        return Mask(gray: image)
    }

    /// `blurred(x: blur, y: blur)`: A1111's single "Mask blur" slider.
    public func blurred(_ blur: Int) throws -> Mask { try blurred(x: blur, y: blur) }

    /// `2 * int(2.5 * blur + 0.5) + 1`.
    static func a1111KernelSize(_ blur: Int) -> Int { 2 * Int(2.5 * Double(blur) + 0.5) + 1 }
}
