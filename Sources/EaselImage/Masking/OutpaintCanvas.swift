extension Image {
    /// The largest canvas side `extended` makes (a guard against typos like 1000000; SD works far below it).
    public static let maximumCanvasSide = 16384

    /// The image on a canvas grown by `left`, `top`, `right`, `bottom` pixels, the new area filled by `fill`.
    /// The original pixels keep their values and sit at (`left`, `top`). Throws for negative amounts or a
    /// canvas side above `maximumCanvasSide`.
    public func extended(left: Int, top: Int, right: Int, bottom: Int, fill: CanvasFill) throws -> Image {
        let (newWidth, newHeight) = try canvasSize(left: left, top: top, right: right, bottom: bottom)
        var output = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        var generator = SplitMix64(seed: { if case .noise(let seed) = fill { return seed } else { return 0 } }())
        for y in 0..<newHeight {
            let sourceY = y - top
            for x in 0..<newWidth {
                let sourceX = x - left
                let destination = (y * newWidth + x) * channels
                let inside = (0..<width).contains(sourceX) && (0..<height).contains(sourceY)
                if inside || fill == .edge || fill == .mirror {
                    let (column, row) = inside
                        ? (sourceX, sourceY)
                        : (fill == .edge
                            ? (min(max(sourceX, 0), width - 1), min(max(sourceY, 0), height - 1))
                            : (Self.reflect(sourceX, width), Self.reflect(sourceY, height)))
                    let source = (row * width + column) * channels
                    for channel in 0..<channels { output[destination + channel] = pixels[source + channel] }
                    continue
                }
                for channel in 0..<channels {
                    if layout == .rgba && channel == 3 {
                        output[destination + channel] = 255
                    } else if fill == .gray {
                        output[destination + channel] = 128
                    } else {
                        output[destination + channel] = UInt8(truncatingIfNeeded: generator.next() >> 56)
                    }
                }
            }
        }
        return Image(unchecked: newWidth, newHeight, layout, output)
    }

    /// The canvas size after growing by the given amounts, checked.
    func canvasSize(left: Int, top: Int, right: Int, bottom: Int) throws -> (Int, Int) {
        guard left >= 0, top >= 0, right >= 0, bottom >= 0 else {
            throw ImageError.invalidArgument(
                "canvas extension must not be negative, got left \(left), top \(top), right \(right), bottom \(bottom)")
        }
        let limit = Self.maximumCanvasSide
        guard left <= limit, right <= limit, top <= limit, bottom <= limit,
            width + left + right <= limit, height + top + bottom <= limit
        else {
            throw ImageError.invalidArgument(
                "extending a \(width)x\(height) image by left \(left), top \(top), right \(right), bottom \(bottom) "
                    + "exceeds the largest canvas side, \(limit) pixels")
        }
        return (width + left + right, height + top + bottom)
    }

    /// NumPy's "reflect" index for any integer: period `2 (n - 1)`, the edge not repeated; 0 for n = 1.
    static func reflect(_ index: Int, _ count: Int) -> Int {
        guard count > 1 else { return 0 }
        let period = 2 * (count - 1)
        var folded = index % period
        if folded < 0 { folded += period }
        return folded < count ? folded : period - folded
    }
}

/// An outpainting canvas: the extended image, the mask of what to paint, and where the original sits.
public struct OutpaintCanvas: Equatable, Sendable {
    /// The grown image (`Image.extended`).
    public let image: Image
    /// 0 over the whole original, so every original pixel is kept; over the new area 255, except a linear ramp in
    /// the `feather` pixels next to the original, so the painted area fades into the fill at the seam: a new pixel
    /// `d` pixels out from the original (1 = adjacent; `d` is the larger of its horizontal and vertical distances,
    /// so corners ramp too) gets `(255 * d + (feather + 1) / 2) / (feather + 1)` (integer division) while
    /// `d <= feather`, so feather 3 gives 64, 128, 191, then 255.
    public let mask: Mask
    /// Where the original lies in the canvas.
    public let original: PixelRegion

    /// The sides of `"LEFT,TOP,RIGHT,BOTTOM"` (how A1111's outpainting and `easel generate --extend` write them):
    /// four whole numbers from 0 to `Image.maximumCanvasSide`, at least one above 0; nil for anything else.
    public static func sides(parsing text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 4, let sides = parts as? [Int],
            sides.allSatisfy({ (0...Image.maximumCanvasSide).contains($0) }), sides.contains(where: { $0 > 0 })
        else { return nil }
        return sides
    }

    /// The largest feather; a ramp wider than the original is cut at its far side anyway.
    public static let maximumFeather = 1024

    public init(extending source: Image, left: Int, top: Int, right: Int, bottom: Int, fill: CanvasFill,
                feather: Int) throws {
        guard (0...Self.maximumFeather).contains(feather) else {
            throw ImageError.invalidArgument("outpainting feather must be 0...\(Self.maximumFeather) pixels, got \(feather)")
        }
        image = try source.extended(left: left, top: top, right: right, bottom: bottom, fill: fill)
        original = PixelRegion(x1: left, y1: top, x2: left + source.width, y2: top + source.height)
        var values = [UInt8](repeating: 0, count: image.width * image.height)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let dx = max(original.x1 - x, 0, x - (original.x2 - 1))
                let dy = max(original.y1 - y, 0, y - (original.y2 - 1))
                let distance = max(dx, dy)
                guard distance > 0 else { continue }  // the original
                values[y * image.width + x] = distance <= feather
                    ? UInt8((255 * distance + (feather + 1) / 2) / (feather + 1)) : 255
            }
        }
        mask = Mask(unchecked: image.width, image.height, values)
    }
}
