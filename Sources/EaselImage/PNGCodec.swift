import COpenCV
import Glibc

/// PNG decoding and encoding through libpng (easel_png.c), with tEXt/zTXt/iTXt text chunks.
enum PNGCodec {
    /// Decodes PNG bytes to an 8-bit image and its text chunks (a later chunk with the same key wins).
    /// `path` names the source in errors.
    static func decode(_ bytes: [UInt8], path: String) throws -> (Image, [String: String]) {
        var decoded = easel_png_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            easel_png_decode(buffer.baseAddress, buffer.count, &decoded, &message, message.count)
        }
        defer { easel_png_release(&decoded) }
        let reason = messageText(message)
        switch status {
        case Int32(EASEL_PNG_OK): break
        case Int32(EASEL_PNG_NOT_PNG): throw ImageError.notAnImage(path: path, reason: "no PNG signature")
        case Int32(EASEL_PNG_NO_MEMORY): throw ImageError.unreadable(path: path, reason: "out of memory")
        case Int32(EASEL_PNG_TOO_LARGE): throw ImageError.unreadable(path: path, reason: reason)
        default: throw ImageError.corrupt(path: path, format: "PNG", reason: reason)
        }
        guard let layout = PixelLayout(channels: Int(decoded.channels)), let pixels = decoded.pixels else {
            throw ImageError.corrupt(path: path, format: "PNG", reason: "unexpected channel count \(decoded.channels)")
        }
        let width = Int(decoded.width), height = Int(decoded.height)
        let count = width * height * layout.channels
        let image = Image(unchecked: width, height, layout, Array(UnsafeBufferPointer(start: pixels, count: count)))
        var text: [String: String] = [:]
        for index in 0..<Int(decoded.text_count) {
            let chunk = decoded.texts[index]
            guard let key = chunk.key, let value = chunk.value else { continue }
            let keyBytes = UnsafeBufferPointer(start: UnsafeRawPointer(key).assumingMemoryBound(to: UInt8.self),
                                               count: strlen(key))
            let valueBytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: chunk.value_length)
            text[latin1String(keyBytes)] =
                chunk.is_utf8 != 0 ? String(decoding: valueBytes, as: UTF8.self) : latin1String(valueBytes)
        }
        return (image, text)
    }

    /// Encodes `image` as PNG with `text` chunks (written in key order, so output is reproducible).
    static func encode(_ image: Image, text: [String: String], compressionLevel: Int) throws -> [UInt8] {
        guard (0...9).contains(compressionLevel) else {
            throw ImageError.invalidArgument("PNG compression level must be 0...9, got \(compressionLevel)")
        }
        // Each entry: NUL-terminated key and value bytes, and whether the value is UTF-8 (iTXt).
        var entries: [(key: [CChar], value: [CChar], length: Int, utf8: Bool)] = []
        for key in text.keys.sorted() {
            let value = text[key] ?? ""
            entries.append(try chunkEntry(key: key, value: value))
        }
        return try withCStrings(entries) { chunks in
            var output: UnsafeMutablePointer<UInt8>? = nil
            var outputCount = 0
            var message = [CChar](repeating: 0, count: 256)
            let status = image.withUnsafePixels { pixels in
                easel_png_encode(
                    pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels),
                    chunks.baseAddress, Int32(chunks.count), Int32(compressionLevel),
                    &output, &outputCount, &message, message.count)
            }
            defer { easel_png_free(output) }
            guard status == Int32(EASEL_PNG_OK), let output else {
                throw ImageError.operationFailed(operation: "PNG encoding", reason: messageText(message))
            }
            return Array(UnsafeBufferPointer(start: output, count: outputCount))
        }
    }

    /// Validates one text chunk and encodes it as PIL's `PngInfo.add_text` does: tEXt when the value is
    /// Latin-1, iTXt (UTF-8) otherwise. Keys are PNG keywords: 1-79 printable Latin-1 characters without
    /// leading, trailing or doubled spaces.
    private static func chunkEntry(key: String, value: String) throws
        -> (key: [CChar], value: [CChar], length: Int, utf8: Bool)
    {
        let keyScalars = Array(key.unicodeScalars)
        let printable = keyScalars.allSatisfy { (0x20...0x7E).contains($0.value) || (0xA1...0xFF).contains($0.value) }
        guard (1...79).contains(keyScalars.count), printable, keyScalars.first != " ", keyScalars.last != " ",
              !key.contains("  ")
        else {
            throw ImageError.invalidArgument(
                "PNG text key \"\(key)\" must be 1-79 printable Latin-1 characters without leading, trailing or double spaces")
        }
        guard !value.unicodeScalars.contains("\0") else {
            throw ImageError.invalidArgument("PNG text \"\(key)\" contains a NUL character")
        }
        let keyBytes = keyScalars.map { CChar(bitPattern: UInt8($0.value)) } + [0]
        if value.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            let bytes = value.unicodeScalars.map { CChar(bitPattern: UInt8($0.value)) }
            return (keyBytes, bytes + [0], bytes.count, false)
        }
        let bytes = value.utf8.map { CChar(bitPattern: $0) }
        return (keyBytes, bytes + [0], bytes.count, true)
    }

    /// Calls `body` with `easel_png_text` structs pointing into `entries` (valid only during the call).
    private static func withCStrings<R>(
        _ entries: [(key: [CChar], value: [CChar], length: Int, utf8: Bool)],
        _ body: (UnsafeBufferPointer<easel_png_text>) throws -> R
    ) throws -> R {
        // Copy every string into one buffer so all pointers stay valid together.
        var storage: [CChar] = []
        var offsets: [(key: Int, value: Int)] = []
        for entry in entries {
            offsets.append((storage.count, storage.count + entry.key.count))
            storage += entry.key
            storage += entry.value
        }
        return try storage.withUnsafeBufferPointer { base in
            let chunks = entries.indices.map { index in
                easel_png_text(
                    key: base.baseAddress! + offsets[index].key, value: base.baseAddress! + offsets[index].value,
                    value_length: entries[index].length, is_utf8: entries[index].utf8 ? 1 : 0)
            }
            return try chunks.withUnsafeBufferPointer(body)
        }
    }

    /// The text of a NUL-terminated message buffer filled by the C side.
    private static func messageText(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func latin1String(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(scalars)
    }
}
