/// The value range of a float image.
public enum FloatRange: Sendable {
    /// `x / 255`: diffusers' `VaeImageProcessor.pil_to_numpy`, the ControlNet condition image.
    case zeroToOne
    /// `2 * (x / 255) - 1`: diffusers' `VaeImageProcessor.normalize`, the VAE's input.
    case minusOneToOne
}

extension Image {
    /// The pixels as planar float32 (CHW: all of channel 0, then channel 1, ...), as diffusers prepares
    /// images: `np.array(image).astype(np.float32) / 255.0`, then `2.0 * x - 1.0` for `.minusOneToOne`.
    /// Each step is one float32 operation, so values equal NumPy/PyTorch's bit for bit.
    public func planarFloats(range: FloatRange) -> [Float] {
        let planeSize = width * height
        var output = [Float](repeating: 0, count: planeSize * channels)
        for index in 0..<planeSize {
            for channel in 0..<channels {
                var value = Float(pixels[index * channels + channel]) / 255
                if range == .minusOneToOne { value = 2 * value - 1 }
                output[channel * planeSize + index] = value
            }
        }
        return output
    }

    /// An image from planar float32 values (CHW, `layout.channels` planes), as diffusers'
    /// `VaeImageProcessor.postprocess` makes PIL images: for `.minusOneToOne` first `x * 0.5 + 0.5`
    /// (`denormalize`), then clamp to [0, 1] and `round(x * 255)` with NumPy's round-half-to-even
    /// (`numpy_to_pil`). NaN becomes 0.
    public init(planarFloats values: [Float], width: Int, height: Int, layout: PixelLayout, range: FloatRange) throws {
        let planeSize = width * height
        guard width > 0, height > 0, values.count == planeSize * layout.channels else {
            throw ImageError.invalidArgument(
                "\(values.count) floats do not make a \(width)x\(height) \(layout) image")
        }
        var pixels = [UInt8](repeating: 0, count: planeSize * layout.channels)
        for index in 0..<planeSize {
            for channel in 0..<layout.channels {
                var value = values[channel * planeSize + index]
                if range == .minusOneToOne { value = value * 0.5 + 0.5 }
                value = value.isNaN ? 0 : min(max(value, 0), 1)
                pixels[index * layout.channels + channel] = UInt8((value * 255).rounded(.toNearestOrEven))
            }
        }
        self.init(unchecked: width, height, layout, pixels)
    }
}
