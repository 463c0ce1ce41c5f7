/// A single-channel 8-bit inpainting mask, `width` x `height` values row-major: 255 = repaint, 0 = keep, values
/// between blend (a blurred edge). The PIL mode "L" image that A1111's `StableDiffusionProcessingImg2Img` and
/// diffusers' `VaeImageProcessor` (`do_convert_grayscale=True`) work with.
public struct Mask: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` values.
    public internal(set) var values: [UInt8]

    /// Wraps existing values; throws if their count does not match the size.
    public init(width: Int, height: Int, values: [UInt8]) throws {
        guard try imageSampleCount(width: width, height: height, channels: 1) == values.count else {
            throw ImageError.invalidArgument("\(values.count) values do not make a \(width)x\(height) mask")
        }
        self.init(unchecked: width, height, values)
    }

    /// A mask with every value `value` (0: keep everything; 255: repaint everything).
    public init(width: Int, height: Int, filledWith value: UInt8 = 0) throws {
        let count = try imageSampleCount(width: width, height: height, channels: 1)
        self.init(unchecked: width, height, [UInt8](repeating: value, count: count))
    }

    init(unchecked width: Int, _ height: Int, _ values: [UInt8]) {
        self.width = width
        self.height = height
        self.values = values
    }

    /// One value; `x` and `y` must be in range.
    public subscript(x: Int, y: Int) -> UInt8 {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The mask as a gray image (to save it or resize it with the image functions).
    public var image: Image { Image(unchecked: width, height, .gray, values) }

    /// The gray image's values as a mask (no conversion: use `init(_:rule:)` for colour images).
    init(gray image: Image) {
        precondition(image.layout == .gray)
        self.init(unchecked: image.width, image.height, image.pixels)
    }

    /// Throws a clear error unless the mask has `image`'s size (A1111 and diffusers resize a mismatched mask
    /// silently, which moves the masked area; Easel asks for a mask drawn on the image itself).
    public func checkSize(matches image: Image, maskName: String = "the mask") throws {
        guard width == image.width, height == image.height else {
            throw ImageError.invalidArgument(
                "\(maskName) is \(width)x\(height) but the image is \(image.width)x\(image.height); "
                    + "a mask must have the size of the image it masks")
        }
    }
}

extension Mask: CustomStringConvertible {
    public var description: String { "Mask(\(width)x\(height))" }
}
