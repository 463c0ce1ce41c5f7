import Foundation

/// An image as read from a file: the pixels, the file's format and, for PNG, its text chunks
/// (A1111 keeps generation parameters under the key "parameters").
public struct ImageFile: Sendable {
    public var image: Image
    public var format: ImageFormat
    /// PNG tEXt/zTXt/iTXt chunks by key; empty for other formats.
    public var text: [String: String]

    public init(image: Image, format: ImageFormat, text: [String: String] = [:]) {
        self.image = image
        self.format = format
        self.text = text
    }

    /// Reads and decodes the file at `url`; the format comes from the file's first bytes.
    public static func load(from url: URL) throws -> ImageFile {
        try decode(FileAccess.read(url), name: url.path)
    }

    /// Decodes an encoded image held in memory. `name` stands for the source in error messages.
    public static func decode<Bytes: Collection>(_ bytes: Bytes, name: String = "image data") throws -> ImageFile
    where Bytes.Element == UInt8 {
        let bytes = Array(bytes)
        guard !bytes.isEmpty else { throw ImageError.notAnImage(path: name, reason: "the file is empty") }
        guard let format = ImageFormat.detect(bytes) else {
            throw ImageError.notAnImage(path: name, reason: "its first bytes match no known image format")
        }
        guard format.isReadable else { throw ImageError.unsupportedFormat(path: name, format: format.rawValue) }
        if format == .png {
            let (image, text) = try PNGCodec.decode(bytes, path: name)
            return ImageFile(image: image, format: format, text: text)
        }
        return ImageFile(image: try OpenCVCodec.decode(bytes, format: format, path: name), format: format)
    }
}

extension Image {
    /// Reads an image file (PNG, JPEG, WebP, BMP, TIFF), detected by content. PNGs of any bit depth or
    /// color type come back as 8-bit gray, RGB or RGBA (see `easel_png_decode`); others as OpenCV decodes
    /// them, converted to RGB(A). Throws `ImageError` naming the file.
    public static func load(from url: URL) throws -> Image {
        try ImageFile.load(from: url).image
    }

    /// Decodes an encoded image held in memory.
    public static func decode<Bytes: Collection>(_ bytes: Bytes, name: String = "image data") throws -> Image
    where Bytes.Element == UInt8 {
        try ImageFile.decode(bytes, name: name).image
    }

    /// The image encoded as PNG (8-bit, its own layout), with `text` as tEXt chunks (iTXt for values
    /// outside Latin-1), in key order. zlib level 6, PIL's default.
    public func pngData(text: [String: String] = [:], compressionLevel: Int = 6) throws -> [UInt8] {
        try PNGCodec.encode(self, text: text, compressionLevel: compressionLevel)
    }

    /// Writes the image as a PNG file, atomically (see `FileAccess.writeAtomically`): on failure no
    /// file, partial or temporary, is left.
    public func writePNG(to url: URL, text: [String: String] = [:], compressionLevel: Int = 6) throws {
        let bytes = try pngData(text: text, compressionLevel: compressionLevel)
        try FileAccess.writeAtomically(bytes, to: url)
    }
}
