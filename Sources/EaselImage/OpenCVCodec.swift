import COpenCV

/// Decoding of JPEG, WebP, BMP and TIFF through OpenCV's `cv::imdecode` (IMREAD_UNCHANGED).
enum OpenCVCodec {
    static func decode(_ bytes: [UInt8], format: ImageFormat, path: String) throws -> Image {
        var decoded = easel_cv_image()
        let status = bytes.withUnsafeBufferPointer { buffer in
            easel_cv_decode(buffer.baseAddress, buffer.count, &decoded)
        }
        defer { easel_cv_free(decoded.data) }
        switch status {
        case Int32(EASEL_CV_OK): break
        case Int32(EASEL_CV_UNSUPPORTED):
            throw ImageError.unsupportedFormat(path: path, format: "\(format) (\(OpenCVError.lastMessage()))")
        default:
            throw ImageError.corrupt(path: path, format: format.rawValue, reason: OpenCVError.lastMessage())
        }
        guard let layout = PixelLayout(channels: Int(decoded.channels)), let data = decoded.data else {
            throw ImageError.corrupt(path: path, format: format.rawValue, reason: "unexpected channel count")
        }
        let width = Int(decoded.width), height = Int(decoded.height)
        let count = width * height * layout.channels
        let pixels = Array(UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self), count: count))
        return Image(unchecked: width, height, layout, pixels)
    }
}

/// Reads the thread-local message the OpenCV shim leaves after a failure.
enum OpenCVError {
    static func lastMessage() -> String {
        guard let message = easel_cv_last_error() else { return "unknown OpenCV error" }
        let text = String(cString: message)
        return text.isEmpty ? "unknown OpenCV error" : text
    }

    /// Throws `ImageError.operationFailed` unless `status` is EASEL_CV_OK.
    static func check(_ status: Int32, _ operation: String) throws {
        guard status == Int32(EASEL_CV_OK) else {
            throw ImageError.operationFailed(operation: operation, reason: lastMessage())
        }
    }
}
