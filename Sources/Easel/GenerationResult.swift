import EaselImage
import EaselTensor
import Foundation

/// What a generation gives back: the picture, the latents it was decoded from, and its settings as an infotext.
public struct GenerationResult: Sendable {
    public var image: Image
    /// The final latents `[1, 4, h/8, w/8]` before `1 / scaling_factor` and the VAE decode.
    public var latents: Tensor
    public var parameters: GenerationParameters
    /// Each control unit's condition map as the net saw it (after its preprocessor, at the output size), in the
    /// units' order: what A1111 shows as the detected maps.
    public var controlMaps: [Image] = []

    /// Writes the image as PNG with the `parameters` text chunk, atomically: the file is whole or not there.
    public func writePNG(to url: URL) throws {
        try image.writePNG(to: url, text: [GenerationParameters.pngTextKey: parameters.text])
    }
}
