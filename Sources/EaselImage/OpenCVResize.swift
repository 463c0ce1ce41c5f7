import COpenCV

/// The interpolations of OpenCV's `cv::resize` (what controlnet_aux and the A1111 ControlNet extension
/// resize with).
public enum OpenCVInterpolation: Sendable, CaseIterable {
    /// INTER_NEAREST
    case nearest
    /// INTER_LINEAR (bilinear)
    case linear
    /// INTER_CUBIC (bicubic, a = -0.75)
    case cubic
    /// INTER_AREA (pixel-area averaging when shrinking; bilinear-like when enlarging)
    case area
    /// INTER_LANCZOS4 (8x8 Lanczos)
    case lanczos4

    var openCVCode: Int32 {
        switch self {
        case .nearest: Int32(EASEL_CV_INTER_NEAREST)
        case .linear: Int32(EASEL_CV_INTER_LINEAR)
        case .cubic: Int32(EASEL_CV_INTER_CUBIC)
        case .area: Int32(EASEL_CV_INTER_AREA)
        case .lanczos4: Int32(EASEL_CV_INTER_LANCZOS4)
        }
    }
}

extension Image: OpenCVImageView {
    func blank(width: Int, height: Int) throws -> Image {
        try Image(width: width, height: height, layout: layout)
    }

    /// `cv2.resize(image, (width, height), interpolation=...)`: OpenCV's own code, so results equal
    /// OpenCV's for the version linked (see `COpenCV`). Same-size resizes are copies.
    public func resized(width newWidth: Int, height newHeight: Int, interpolation: OpenCVInterpolation) throws -> Image {
        try openCVResized(width: newWidth, height: newHeight, interpolation: interpolation)
    }

    /// A Gaussian blur, `cv2.GaussianBlur(image, (kernelWidth, kernelHeight), sigmaX, sigmaY)` with
    /// OpenCV's default border (reflect-101). Kernel sizes 0 let OpenCV derive them from sigma, as
    /// `cv2.GaussianBlur(x, (0, 0), sigma)` does; `sigmaY` 0 means `sigmaX`.
    public func gaussianBlurred(sigmaX: Double, sigmaY: Double = 0, kernelWidth: Int = 0, kernelHeight: Int = 0)
        throws -> Image
    {
        try openCVGaussianBlurred(sigmaX: sigmaX, sigmaY: sigmaY, kernelWidth: kernelWidth, kernelHeight: kernelHeight)
    }

    /// Passes the pixels to the OpenCV shim as an `easel_cv_image` view (valid during the call).
    /// Public for the annotator modules that call other shim functions (e.g. Canny).
    public mutating func withOpenCVImage<R>(_ body: (inout easel_cv_image) throws -> R) rethrows -> R {
        let (width, height, channels) = (Int32(self.width), Int32(self.height), Int32(self.channels))
        return try withUnsafeMutablePixels { buffer in
            var view = easel_cv_image(
                data: UnsafeMutableRawPointer(buffer.baseAddress), width: width, height: height,
                channels: channels, depth: Int32(EASEL_CV_8U))
            return try body(&view)
        }
    }
}
