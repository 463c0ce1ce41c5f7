import EaselImage
import EaselTensor

/// The image half of controlnet_aux's `Body.__call__` (one scale, as it ships): the network's maps at the
/// size of the image, then `BodyPoseParser`.
///
/// The RGB image is read as BGR (`detect_poses` flips it); scaled by `184 / H` (`0.5 * 368 / H`) with
/// `util.smart_resize_k` (INTER_AREA when shrinking, INTER_LANCZOS4 when enlarging, judged on `H + W`);
/// padded right and down to a multiple of 8 with 128; fed as `x / 256 - 0.5`. Each output channel is
/// enlarged x8 (Lanczos), cropped to the unpadded size and resized to the image (`util.smart_resize`),
/// one channel at a time as controlnet_aux does for more than 3 channels.
public struct BodyPoseEstimator: Sendable {
    public let network: BodyPoseNetwork
    static let boxSize = 368.0
    static let stride = 8
    static let padValue: Float = 128

    public init(network: BodyPoseNetwork) { self.network = network }

    /// The people in `image` (RGB or any layout, converted), keypoints in its pixels.
    public func figure(in image: Image) throws -> PoseFigure {
        BodyPoseParser.figure(try maps(for: image))
    }

    /// The heatmaps and PAFs at the size of `image`.
    public func maps(for image: Image) throws -> BodyPoseMaps {
        try Self.maps(for: image) { network($0) }
    }

    /// The steps around the network, with `run` standing for it (tests feed chosen maps through it).
    static func maps(for image: Image, run: (Tensor) throws -> BodyPoseNetwork.Output) throws -> BodyPoseMaps {
        let rgb = image.hwc3()
        let (width, height) = (rgb.width, rgb.height)
        // multiplier = 0.5 * boxsize / H; smart_resize_k's target is (int(W * scale), int(H * scale)).
        let scale = 0.5 * Self.boxSize / Double(height)
        let scaledWidth = Int(Double(width) * scale), scaledHeight = Int(Double(height) * scale)
        guard scaledWidth > 0, scaledHeight > 0 else { throw PoseError.imageTooSmall(width: width, height: height) }
        let growing = (Double(height) * scale + Double(width) * scale) / Double(height + width) >= 1
        let scaled = try rgb.resized(width: scaledWidth, height: scaledHeight, interpolation: growing ? .lanczos4 : .area)
        let input = Self.networkInput(scaled)
        let output = try run(input)
        let heatmaps = try Self.upsample(output.heatmaps, cropWidth: scaledWidth, cropHeight: scaledHeight,
                                         width: width, height: height)
        let fields = try Self.upsample(output.partAffinityFields, cropWidth: scaledWidth, cropHeight: scaledHeight,
                                       width: width, height: height)
        return try BodyPoseMaps(width: width, height: height, heatmaps: heatmaps, partAffinityFields: fields)
    }

    /// `[1, 3, H8, W8]`: the BGR planes padded with 128 to multiples of 8, as `x / 256 - 0.5` in float32.
    static func networkInput(_ rgb: Image) -> Tensor {
        let (w, h) = (rgb.width, rgb.height)
        let paddedWidth = (w + stride - 1) / stride * stride, paddedHeight = (h + stride - 1) / stride * stride
        let plane = paddedWidth * paddedHeight
        return Tensor(shape: [1, 3, paddedHeight, paddedWidth]) { buffer in
            for c in 0..<3 {
                let source = 2 - c  // BGR
                for y in 0..<paddedHeight {
                    for x in 0..<paddedWidth {
                        let value = y < h && x < w ? Float(rgb[x, y, source]) : padValue
                        buffer[c * plane + y * paddedWidth + x] = value / 256 - 0.5
                    }
                }
            }
        }
    }

    /// Each channel of `maps` `[1, C, h, w]`: x8 Lanczos, cropped to `cropWidth` x `cropHeight`, then
    /// `smart_resize` to `width` x `height`; returned as float64 planes.
    static func upsample(_ maps: Tensor, cropWidth: Int, cropHeight: Int, width: Int, height: Int) throws -> [[Double]] {
        let (channels, h, w) = (maps.shape[1], maps.shape[2], maps.shape[3])
        let values = maps.scalars
        let growing = Double(height + width) / Double(cropHeight + cropWidth) >= 1
        return try (0..<channels).map { c in
            let plane = Array(values[(c * h * w)..<((c + 1) * h * w)])
            let small = try FloatImage(width: w, height: h, channels: 1, values: plane)
            let large = try small.resized(width: w * stride, height: h * stride, interpolation: .lanczos4)
            var cropped = [Float](repeating: 0, count: cropWidth * cropHeight)
            for y in 0..<cropHeight {
                for x in 0..<cropWidth { cropped[y * cropWidth + x] = large.values[y * large.width + x] }
            }
            let crop = try FloatImage(width: cropWidth, height: cropHeight, channels: 1, values: cropped)
            let fitted = try crop.resized(width: width, height: height, interpolation: growing ? .lanczos4 : .area)
            return fitted.values.map(Double.init)
        }
    }
}
