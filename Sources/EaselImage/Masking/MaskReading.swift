import Foundation

/// How a colour or transparent image becomes a mask.
public enum MaskReadRule: Sendable, Equatable {
    /// AUTOMATIC1111's `images.create_binary_mask(image, round)`, what its img2img inpaint does with an uploaded
    /// or painted mask: an RGBA image whose alpha is not all 255 gives its **alpha** channel (with `round`,
    /// `255 if a > 128 else 0`, A1111's default `mask_round`); every other image gives its luminance (Pillow's
    /// `convert("L")`, which ignores an all-opaque alpha). So a PNG painted with transparent strokes and a
    /// black-and-white mask both work.
    case a1111(round: Bool)
    /// Pillow's `convert("L")`: ITU-R 601-2 luma of R, G, B, alpha ignored; gray images unchanged. What
    /// diffusers' `VaeImageProcessor.convert_to_grayscale` (the inpaint pipelines' `mask_processor`) does.
    case luminance

    /// A1111's default: `.a1111(round: true)`.
    public static let a1111 = MaskReadRule.a1111(round: true)
}

extension Mask {
    /// A mask read from any image by `rule` (A1111's rule by default: see `MaskReadRule`).
    public init(_ image: Image, rule: MaskReadRule = .a1111) {
        if case .a1111(let round) = rule, image.layout == .rgba,
            image.pixels.indices.lazy.filter({ $0 % 4 == 3 }).contains(where: { image.pixels[$0] != 255 })
        {
            var alpha = [UInt8](repeating: 0, count: image.width * image.height)
            for index in alpha.indices {
                let value = image.pixels[index * 4 + 3]
                alpha[index] = round ? (value > 128 ? 255 : 0) : value
            }
            self.init(unchecked: image.width, image.height, alpha)
            return
        }
        // Pillow's convert("L") on RGBA drops alpha before the luma (Easel's RGBA -> gray composites over white).
        let gray = image.layout == .gray ? image : image.droppingAlpha().converted(to: .gray)
        self.init(gray: gray)
    }

    /// A mask read from an image file (PNG, JPEG, WebP, BMP, TIFF) by `rule`; file errors name the file.
    public static func load(from url: URL, rule: MaskReadRule = .a1111) throws -> Mask {
        Mask(try Image.load(from: url), rule: rule)
    }

    /// A mask file for `image`: read by `rule`, then checked to have the image's size (the error names the file).
    public static func load(from url: URL, for image: Image, rule: MaskReadRule = .a1111) throws -> Mask {
        let mask = try load(from: url, rule: rule)
        try mask.checkSize(matches: image, maskName: "the mask \(url.path)")
        return mask
    }
}
