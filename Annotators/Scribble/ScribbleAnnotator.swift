import AnnotatorCore
import EaselImage

/// A scribble condition map from a user's drawing: white strokes (255) on black, as ControlNet's
/// scribble model expects.
///
/// For dark strokes on a light background this is the A1111 ControlNet extension's "scribble_thr"
/// preprocessor (the ControlNet v1.1 scribble scripts do the same): the image is scaled to the detect
/// resolution with the extension's rule (`DetectResolutionRule.webUI`: sides `round(side * k)`, cubic
/// when enlarging, area when shrinking) and a pixel becomes 255 where `min(R, G, B) < 127`.
///
/// A drawing that is already light strokes on a dark background is inverted first (the extension's
/// "invert" preprocessor, `255 - HWC3(img)`) and then treated the same way, so it comes back as it was,
/// binarised: 255 where `max(R, G, B) > 128`. Which kind a drawing is, is decided by its border
/// (`isLightOnDark`), unless `polarity` says.
public struct ScribbleAnnotator: Annotator {
    /// Which way round the drawing is.
    public enum Polarity: String, Sendable, CaseIterable {
        /// Decided from the image's border (see `isLightOnDark`).
        case automatic
        /// Dark strokes on a light background (pen on paper, the A1111 canvas).
        case darkOnLight
        /// Light strokes on a dark background (already in the ControlNet convention).
        case lightOnDark
    }

    public let name = "scribble"
    public let defaultDetectResolution = 512
    public var detectResolutionRule: DetectResolutionRule { .webUI }
    public var polarity: Polarity

    public init(polarity: Polarity = .automatic) {
        self.polarity = polarity
    }

    /// The threshold step on an RGB image with dark strokes: 255 where `min(R, G, B) < 127`, else 0.
    public func detect(_ image: Image) throws -> Image {
        let rgb = image.hwc3()
        var map = [UInt8](repeating: 0, count: rgb.width * rgb.height)
        rgb.withUnsafePixels { pixels in
            for index in 0..<map.count {
                let darkest = min(pixels[index * 3], pixels[index * 3 + 1], pixels[index * 3 + 2])
                if darkest < 127 { map[index] = 255 }
            }
        }
        return try Image(width: rgb.width, height: rgb.height, layout: .gray, pixels: map)
    }

    public func annotate(_ image: Image, options: AnnotationOptions) throws -> Image {
        var rgb = image.hwc3()
        let invert: Bool
        switch polarity {
        case .automatic: invert = Self.isLightOnDark(rgb)
        case .darkOnLight: invert = false
        case .lightOnDark: invert = true
        }
        if invert { rgb = Self.inverted(rgb) }
        return try DetectorFlow.run(self, on: rgb, options: options)
    }

    /// Whether an RGB drawing is light strokes on a dark background: more than half of the pixels on its
    /// outermost rows and columns are dark (`min(R, G, B) < 127`, the stroke test). The border is what a
    /// drawing's background is made of, whatever the strokes do in the middle: a drawing of a big dark
    /// silhouette on white still has a white border, where a count over the whole image would flip it.
    public static func isLightOnDark(_ rgb: Image) -> Bool {
        var dark = 0, total = 0
        func visit(_ x: Int, _ y: Int) {
            total += 1
            if min(rgb[x, y, 0], rgb[x, y, 1], rgb[x, y, 2]) < 127 { dark += 1 }
        }
        for x in 0..<rgb.width {
            visit(x, 0)
            if rgb.height > 1 { visit(x, rgb.height - 1) }
        }
        if rgb.height > 2 {
            for y in 1..<(rgb.height - 1) {
                visit(0, y)
                if rgb.width > 1 { visit(rgb.width - 1, y) }
            }
        }
        return dark * 2 > total
    }

    /// `255 - image`, the A1111 ControlNet extension's "invert" preprocessor.
    static func inverted(_ rgb: Image) -> Image {
        var result = rgb
        result.withUnsafeMutablePixels { pixels in
            for index in pixels.indices { pixels[index] = 255 - pixels[index] }
        }
        return result
    }
}
