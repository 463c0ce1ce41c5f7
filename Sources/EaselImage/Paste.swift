extension Image {
    /// The image with `other` copied onto it with its top-left corner at (`x`, `y`), clipped to this
    /// image's bounds (PIL's `Image.paste(other, (x, y))` without a mask). Layouts must match.
    public func pasting(_ other: Image, x: Int, y: Int) throws -> Image {
        guard other.layout == layout else {
            throw ImageError.invalidArgument("cannot paste a \(other.layout) image onto a \(layout) one")
        }
        var result = self
        let left = max(0, x), right = min(width, x + other.width)
        let top = max(0, y), bottom = min(height, y + other.height)
        guard left < right, top < bottom else { return result }
        let rowBytes = (right - left) * channels
        for row in top..<bottom {
            let sourceStart = ((row - y) * other.width + (left - x)) * channels
            let destinationStart = (row * width + left) * channels
            result.pixels.replaceSubrange(
                destinationStart..<destinationStart + rowBytes,
                with: other.pixels[sourceStart..<sourceStart + rowBytes])
        }
        return result
    }
}
