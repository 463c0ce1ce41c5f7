import COpenCV

/// An image the OpenCV shim reads and writes in place through an `easel_cv_image` view: `Image` (8U) and
/// `FloatImage` (32F). The shim calls that take one image and return another of the same kind (resize,
/// Gaussian blur) are written once here, for both.
protocol OpenCVImageView {
    var width: Int { get }
    var height: Int { get }
    /// A `width` x `height` image with `self`'s channels and zeroed samples, for OpenCV to write into.
    func blank(width: Int, height: Int) throws -> Self
    mutating func withOpenCVImage<R>(_ body: (inout easel_cv_image) throws -> R) rethrows -> R
}

extension OpenCVImageView {
    /// `cv2.resize(self, (width, height), interpolation=...)`.
    func openCVResized(width newWidth: Int, height newHeight: Int, interpolation: OpenCVInterpolation) throws -> Self {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError.invalidArgument("cannot resize to \(newWidth)x\(newHeight)")
        }
        return try openCV("resize", into: blank(width: newWidth, height: newHeight)) { input, target in
            easel_cv_resize(&input, &target, interpolation.openCVCode)
        }
    }

    /// `cv2.GaussianBlur(self, (kernelWidth, kernelHeight), sigmaX, sigmaY)`.
    func openCVGaussianBlurred(sigmaX: Double, sigmaY: Double, kernelWidth: Int, kernelHeight: Int) throws -> Self {
        try openCV("GaussianBlur", into: blank(width: width, height: height)) { input, target in
            easel_cv_gaussian_blur(&input, &target, Int32(kernelWidth), Int32(kernelHeight), sigmaX, sigmaY)
        }
    }

    /// Runs a shim call that reads `self` and writes `output`, and returns `output`; throws
    /// `ImageError.operationFailed` naming `operation` with OpenCV's message when the call fails.
    private func openCV(
        _ operation: String, into output: Self,
        _ call: (inout easel_cv_image, inout easel_cv_image) -> Int32
    ) throws -> Self {
        var output = output
        var source = self
        try source.withOpenCVImage { input in
            try output.withOpenCVImage { target in
                try OpenCVError.check(call(&input, &target), operation)
            }
        }
        return output
    }
}
