import EaselTensor

/// The Stable Diffusion VAE, diffusers' `AutoencoderKL`: an encoder from images to a diagonal Gaussian over
/// latents (`encoder`, then the 1x1 `quant_conv`), and a decoder from latents back to images (the 1x1
/// `post_quant_conv`, then `decoder`). Images are NCHW in [-1, 1]; latents are in the VAE's own scale: the
/// caller multiplies by `config.scalingFactor` after encoding and divides by it before decoding, as
/// diffusers' pipelines do.
///
/// Large images can be processed in overlapping tiles, as diffusers' `enable_tiling()` does (see `VAETiling`);
/// the default is one pass over the whole image.
public struct AutoencoderKL: Sendable {
    public let config: AutoencoderKLConfig
    public var encoder: VAEEncoder
    public var quantConv: Conv2D?
    public var postQuantConv: Conv2D?
    public var decoder: VAEDecoder

    /// Builds the model from `config`, reading its weights from `loader`'s scope (`encoder.*`, `decoder.*`,
    /// `quant_conv.*`, `post_quant_conv.*`). Leftover tensors are not checked here.
    public init(config: AutoencoderKLConfig, loading loader: WeightLoader) throws {
        try config.validate()
        self.config = config
        let latent = config.latentChannels
        encoder = try VAEEncoder(loading: loader.scope("encoder"), config: config)
        if config.useQuantConv {
            quantConv = try Conv2D(
                loading: loader.scope("quant_conv"), inChannels: 2 * latent, outChannels: 2 * latent, kernel: 1)
        }
        if config.usePostQuantConv {
            postQuantConv = try Conv2D(
                loading: loader.scope("post_quant_conv"), inChannels: latent, outChannels: latent, kernel: 1)
        }
        decoder = try VAEDecoder(loading: loader.scope("decoder"), config: config)
    }

    /// Builds the model from `config` and every tensor of `weights` (a `vae/` folder's component, or a single
    /// file's VAE tensors renamed to diffusers names): a missing, mis-shaped or unused tensor is an error
    /// naming it.
    public init(config: AutoencoderKLConfig, weights: any TensorStore) throws {
        let loader = WeightLoader(weights)
        try self.init(config: config, loading: loader)
        try loader.checkAllUsed()
    }

    /// How many image pixels one latent pixel spans along each side: `2^(levels - 1)` (SD: 8). Image sides
    /// should be multiples of it: each encoder level halves a side rounding down (the VAE downsampler pads
    /// one row and column, then a 3x3 stride-2 convolution), so other sizes lose their last pixels.
    public var downscaleFactor: Int { config.downscaleFactor }

    /// The latent distribution of `images` `[N, in_channels, H, W]` (values in [-1, 1]): diffusers'
    /// `vae.encode(images).latent_dist`. With `tiling`, images larger than its tile are encoded tile by tile
    /// (diffusers' `_tiled_encode`); nil encodes in one pass.
    public func encode(_ images: Tensor, tiling: VAETiling? = nil) throws -> DiagonalGaussianDistribution {
        try checkInput(images, channels: config.inChannels, what: "images")
        if let tiling, tiling.tilesImage(height: images.shape[2], width: images.shape[3]) {
            try tiling.validate()
            return DiagonalGaussianDistribution(moments: tiling.encode(images, with: moments(of:)))
        }
        return DiagonalGaussianDistribution(moments: moments(of: images))
    }

    /// The images `[N, out_channels, h * f, w * f]` of `latents` `[N, latent_channels, h, w]` (unscaled: already
    /// divided by `scalingFactor`): diffusers' `vae.decode(latents).sample`. With `tiling`, latents larger than
    /// its tile are decoded tile by tile (diffusers' `tiled_decode`); nil decodes in one pass.
    public func decode(_ latents: Tensor, tiling: VAETiling? = nil) throws -> Tensor {
        try checkInput(latents, channels: config.latentChannels, what: "latents")
        if let tiling, tiling.tilesLatents(height: latents.shape[2], width: latents.shape[3]) {
            try tiling.validate()
            return tiling.decode(latents, with: image(of:))
        }
        return image(of: latents)
    }

    /// `VAETiling` with diffusers' defaults for this model (`VAETiling(config:)`).
    public var defaultTiling: VAETiling { VAETiling(config: config) }

    /// The encoder and `quant_conv`: moments `[N, 2 * latent_channels, h, w]`.
    func moments(of images: Tensor) -> Tensor {
        let h = encoder(images)
        return quantConv.map { $0(h) } ?? h
    }

    /// `post_quant_conv` and the decoder.
    func image(of latents: Tensor) -> Tensor {
        decoder(postQuantConv.map { $0(latents) } ?? latents)
    }

    private func checkInput(_ x: Tensor, channels: Int, what: String) throws {
        guard x.rank == 4, x.shape[1] == channels, x.shape[0] > 0, x.shape[2] > 0, x.shape[3] > 0 else {
            throw AutoencoderKLError.invalidInput("\(what) must be [N, \(channels), H, W] with no empty axis, got \(x.shape)")
        }
    }
}

/// Why the VAE could not run on an input.
public enum AutoencoderKLError: Error, Equatable, CustomStringConvertible {
    case invalidInput(String)
    case invalidTiling(String)

    public var description: String {
        switch self {
        case .invalidInput(let message): "invalid VAE input: \(message)"
        case .invalidTiling(let message): "invalid VAE tiling: \(message)"
        }
    }
}
