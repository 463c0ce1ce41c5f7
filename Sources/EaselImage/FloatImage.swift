import COpenCV

/// A float32 image: `height` rows of `width` pixels of `channels` (1-4) values, interleaved (HWC), the
/// layout of a NumPy float32 array that annotators pass to OpenCV (heatmaps, edge strengths).
public struct FloatImage: Equatable, Sendable, OpenCVImageView {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `width * height * channels` values.
    public internal(set) var values: [Float]

    public init(width: Int, height: Int, channels: Int, values: [Float]) throws {
        guard (1...4).contains(channels),
            try imageSampleCount(width: width, height: height, channels: channels) == values.count
        else {
            throw ImageError.invalidArgument(
                "\(values.count) floats do not make a \(width)x\(height) image of \(channels) channels")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    /// `image.astype(np.float32)`.
    public init(_ image: Image) {
        width = image.width
        height = image.height
        channels = image.channels
        values = image.pixels.map { Float($0) }
    }

    /// `cv2.resize(x, (width, height), interpolation=...)` on float32 data.
    public func resized(width newWidth: Int, height newHeight: Int, interpolation: OpenCVInterpolation) throws -> FloatImage {
        try openCVResized(width: newWidth, height: newHeight, interpolation: interpolation)
    }

    /// `cv2.GaussianBlur(x, (kernelWidth, kernelHeight), sigmaX, sigmaY)` on float32 data (reflect-101
    /// border); kernel sizes 0 derive from sigma, as `cv2.GaussianBlur(x, (0, 0), sigma)`.
    public func gaussianBlurred(sigmaX: Double, sigmaY: Double = 0, kernelWidth: Int = 0, kernelHeight: Int = 0)
        throws -> FloatImage
    {
        try openCVGaussianBlurred(sigmaX: sigmaX, sigmaY: sigmaY, kernelWidth: kernelWidth, kernelHeight: kernelHeight)
    }

    func blank(width: Int, height: Int) throws -> FloatImage {
        let count = try imageSampleCount(width: width, height: height, channels: channels)
        return try FloatImage(width: width, height: height, channels: channels, values: [Float](repeating: 0, count: count))
    }

    /// Passes the values to the OpenCV shim as an `easel_cv_image` view (valid during the call).
    public mutating func withOpenCVImage<R>(_ body: (inout easel_cv_image) throws -> R) rethrows -> R {
        let (width, height, channels) = (Int32(self.width), Int32(self.height), Int32(self.channels))
        return try values.withUnsafeMutableBufferPointer { buffer in
            var view = easel_cv_image(
                data: UnsafeMutableRawPointer(buffer.baseAddress), width: width, height: height,
                channels: channels, depth: Int32(EASEL_CV_32F))
            return try body(&view)
        }
    }
}
