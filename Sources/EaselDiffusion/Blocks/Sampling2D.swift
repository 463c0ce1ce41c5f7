import EaselTensor

/// diffusers' `Downsample2D` with a convolution: a 3x3 conv with stride 2. The UNet pads by 1 inside the
/// conv; the VAE encoder (padding 0) pads (0, 1, 0, 1) first, so odd sizes round the same way as LDM did.
public struct Downsample2D: Sendable {
    public var conv: Conv2D
    /// True for the VAE form: explicit right/bottom zero padding, conv without padding.
    public var padsAsymmetrically: Bool

    /// Loads `conv` from `loader` (the scope of `downsamplers.0`).
    public init(loading loader: WeightLoader, channels: Int, outChannels: Int? = nil, padding: Int = 1) throws {
        conv = try Conv2D(
            loading: loader.scope("conv"), inChannels: channels, outChannels: outChannels ?? channels, kernel: 3,
            stride: 2, padding: padding)
        padsAsymmetrically = padding == 0
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        if padsAsymmetrically {
            return conv(pad(x, left: 0, right: 1, top: 0, bottom: 1, mode: .constant(0)))
        }
        return conv(x)
    }
}

/// diffusers' `Upsample2D` with a convolution: nearest-neighbour x2 (or to `outputSize`, which the UNet
/// passes when a skip tensor has an odd size), then a 3x3 conv.
public struct Upsample2D: Sendable {
    public var conv: Conv2D

    /// Loads `conv` from `loader` (the scope of `upsamplers.0`).
    public init(loading loader: WeightLoader, channels: Int, outChannels: Int? = nil) throws {
        conv = try Conv2D(
            loading: loader.scope("conv"), inChannels: channels, outChannels: outChannels ?? channels, kernel: 3,
            padding: 1)
    }

    public func callAsFunction(_ x: Tensor, outputSize: (height: Int, width: Int)? = nil) -> Tensor {
        let upsampled: Tensor
        if let outputSize {
            upsampled = interpolate(x, size: outputSize, mode: .nearest)
        } else {
            upsampled = interpolate(x, scaleFactor: 2, mode: .nearest)
        }
        return conv(upsampled)
    }
}
