/// How an annotator's input is scaled to its detect resolution: the two conventions in use.
public enum DetectResolutionRule: Sendable, CaseIterable {
    /// controlnet_aux `util.resize_image(img, resolution)` (and the ControlNet v1.1 gradio scripts):
    /// `k = resolution / min(H, W)`; each side `round(side * k / 64) * 64` (NumPy round, half to even);
    /// `cv2.INTER_LANCZOS4` when `k > 1`, `cv2.INTER_AREA` otherwise.
    case controlnetAux
    /// The A1111 ControlNet extension's `resize_image_with_pad(img, resolution)` followed by its
    /// `remove_pad` (for per-pixel preprocessors the padding never shows): each side
    /// `round(side * k)`; `cv2.INTER_CUBIC` when `k > 1`, `cv2.INTER_AREA` otherwise.
    case webUI

    /// The size an image of `width` x `height` is scaled to for detection at `resolution`.
    public func size(width: Int, height: Int, resolution: Int) throws -> (width: Int, height: Int) {
        guard width > 0, height > 0, resolution > 0 else {
            throw ImageError.invalidArgument(
                "cannot scale a \(width)x\(height) image to detect resolution \(resolution)")
        }
        let k = Double(resolution) / Double(min(width, height))
        let side: (Int) -> Int
        switch self {
        case .controlnetAux:
            side = { Int((Double($0) * k / 64).rounded(.toNearestOrEven)) * 64 }
        case .webUI:
            side = { Int((Double($0) * k).rounded(.toNearestOrEven)) }
        }
        let result = (width: side(width), height: side(height))
        guard result.width > 0, result.height > 0 else {
            throw ImageError.invalidArgument(
                "detect resolution \(resolution) makes a \(width)x\(height) image \(result.width)x\(result.height)")
        }
        return result
    }

    /// The interpolation used for scale factor `k = resolution / min(H, W)`.
    public func interpolation(scale k: Double) -> OpenCVInterpolation {
        switch self {
        case .controlnetAux: k > 1 ? .lanczos4 : .area
        case .webUI: k > 1 ? .cubic : .area
        }
    }
}

extension Image {
    /// controlnet_aux `HWC3`: gray -> RGB by copying, RGBA composited over white, RGB unchanged.
    public func hwc3() -> Image { converted(to: .rgb) }

    /// The image scaled for detection at `resolution` by `rule` (controlnet_aux's `resize_image` by
    /// default), with OpenCV's `cv::resize` as the reference does. Keeps the layout; call `hwc3()` first
    /// as the reference does.
    public func resizedForDetection(resolution: Int, rule: DetectResolutionRule = .controlnetAux) throws -> Image {
        let size = try rule.size(width: width, height: height, resolution: resolution)
        let k = Double(resolution) / Double(min(width, height))
        return try resized(width: size.width, height: size.height, interpolation: rule.interpolation(scale: k))
    }
}
