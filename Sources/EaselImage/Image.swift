/// An 8-bit image: `height` rows of `width` pixels, each pixel `layout.channels` bytes, stored
/// interleaved and row-major (HWC) in `pixels`, the layout NumPy arrays from PIL and OpenCV have.
///
/// A value type: copies share storage until one is written (copy-on-write `[UInt8]`).
public struct Image: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let layout: PixelLayout
    /// `width * height * layout.channels` bytes.
    public internal(set) var pixels: [UInt8]

    /// Wraps existing pixels; throws if their count does not match the size.
    public init(width: Int, height: Int, layout: PixelLayout, pixels: [UInt8]) throws {
        guard try imageSampleCount(width: width, height: height, channels: layout.channels) == pixels.count else {
            throw ImageError.invalidArgument(
                "\(pixels.count) bytes do not make a \(width)x\(height) \(layout) image")
        }
        self.init(unchecked: width, height, layout, pixels)
    }

    /// An image with every byte set to `value` (e.g. 0 for black, transparent black in RGBA).
    public init(width: Int, height: Int, layout: PixelLayout, filledWith value: UInt8 = 0) throws {
        let count = try imageSampleCount(width: width, height: height, channels: layout.channels)
        self.init(unchecked: width, height, layout, [UInt8](repeating: value, count: count))
    }

    /// For code in this module that has already checked the size.
    init(unchecked width: Int, _ height: Int, _ layout: PixelLayout, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.layout = layout
        self.pixels = pixels
    }

    public var channels: Int { layout.channels }

    /// Bytes per row.
    public var rowStride: Int { width * layout.channels }

    /// One sample; `x`, `y` and `channel` must be in range.
    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        get { pixels[(y * width + x) * layout.channels + channel] }
        set { pixels[(y * width + x) * layout.channels + channel] = newValue }
    }

    /// Read-only access to the packed bytes.
    public func withUnsafePixels<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try pixels.withUnsafeBufferPointer(body)
    }

    /// In-place access to the packed bytes (the count cannot change).
    public mutating func withUnsafeMutablePixels<R>(
        _ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { buffer in try body(buffer) }
    }
}

/// `width * height * channels`, the number of samples of an image of that size.
/// - Throws: `ImageError.invalidArgument` when a side is not positive or the count does not fit in an `Int`.
func imageSampleCount(width: Int, height: Int, channels: Int) throws -> Int {
    guard width > 0, height > 0 else {
        throw ImageError.invalidArgument("an image needs a positive size, got \(width)x\(height)")
    }
    let (area, overflowA) = width.multipliedReportingOverflow(by: height)
    let (count, overflowB) = area.multipliedReportingOverflow(by: channels)
    guard !overflowA, !overflowB else {
        throw ImageError.invalidArgument("\(width)x\(height) is too large for an image")
    }
    return count
}

extension Image: CustomStringConvertible {
    /// "Image(512x768 rgb)": the size and layout, not the bytes (test failures stay readable).
    public var description: String { "Image(\(width)x\(height) \(layout))" }
}
