import AnnotatorCore
import COpenCV
import EaselImage

/// Canny edges as ControlNet's canny model expects them: white (255) edges on black, the output of
/// controlnet_aux's `CannyDetector` (defaults: thresholds 100 and 200, detect resolution 512).
///
/// `detect` is `cv2.Canny(image, low, high)` on the 3-channel RGB image, as controlnet_aux calls it:
/// aperture 3, L1 gradient; with three channels OpenCV uses, at each pixel, the channel whose gradient
/// is largest.
public struct CannyAnnotator: Annotator {
    public let name = "canny"
    public let defaultDetectResolution = 512
    /// Hysteresis thresholds on the L1 gradient magnitude (OpenCV floors them to integers).
    public var lowThreshold: Double
    public var highThreshold: Double

    public init(low: Double = 100, high: Double = 200) {
        lowThreshold = low
        highThreshold = high
    }

    public func detect(_ image: Image) throws -> Image {
        guard lowThreshold >= 0, highThreshold >= 0, lowThreshold.isFinite, highThreshold.isFinite else {
            throw AnnotatorError.invalidOption(
                annotator: name, message: "thresholds must be finite and non-negative (got \(lowThreshold), \(highThreshold))")
        }
        var source = image.layout == .rgba ? image.hwc3() : image
        var edges = try Image(width: image.width, height: image.height, layout: .gray)
        let status = source.withOpenCVImage { input in
            edges.withOpenCVImage { output in
                easel_cv_canny(&input, &output, lowThreshold, highThreshold, 3, 0)
            }
        }
        guard status == Int32(EASEL_CV_OK) else {
            throw AnnotatorError.detectorFailed(annotator: name, reason: String(cString: easel_cv_last_error()))
        }
        return edges
    }
}
