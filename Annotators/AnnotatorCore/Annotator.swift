import EaselImage

/// Turns an image (a photo, a drawing) into a ControlNet condition map: an RGB image in the convention
/// the matching ControlNet was trained on (e.g. white edges on black for Canny).
///
/// An annotator supplies `detect`, which works on an RGB image already scaled to the detect
/// resolution; `annotate` wraps it in the controlnet_aux detector flow (see `DetectorFlow`).
public protocol Annotator: Sendable {
    /// The name users type (`easel annotate NAME`), e.g. "canny".
    var name: String { get }
    /// The detect resolution used when the options give none (controlnet_aux and A1111: 512).
    var defaultDetectResolution: Int { get }
    /// How the input is scaled to the detect resolution.
    var detectResolutionRule: DetectResolutionRule { get }
    /// The condition map for `image`: RGB, already at the detect size. The map has the same size and is
    /// gray or RGB.
    func detect(_ image: Image) throws -> Image
    /// The whole flow: input image of any layout and size -> RGB condition map.
    func annotate(_ image: Image, options: AnnotationOptions) throws -> Image
}

/// Settings every annotator takes.
public struct AnnotationOptions: Sendable, Equatable {
    /// The short side the detector works at, before the rule's rounding (nil: the annotator's default).
    public var detectResolution: Int?
    /// The short side of the returned map, before the rule's rounding (nil: the detect resolution in use).
    ///
    /// controlnet_aux detectors take `image_resolution` (default 512) and resize their map to
    /// `resize_image(detect input, image_resolution)` with INTER_LINEAR. Easel defaults it to the detect
    /// resolution instead, so with no options the map comes back at the detection size, the same result
    /// as controlnet_aux's defaults (512 and 512), and a custom detect resolution is not undone by a
    /// silent resize back to 512. The map is fitted to the generation size later, by the resize mode.
    public var imageResolution: Int?

    public init(detectResolution: Int? = nil, imageResolution: Int? = nil) {
        self.detectResolution = detectResolution
        self.imageResolution = imageResolution
    }
}

extension Annotator {
    public var detectResolutionRule: DetectResolutionRule { .controlnetAux }

    /// The standard flow (`DetectorFlow`): HWC3, scale to the detect resolution, detect, fit the output.
    public func annotate(_ image: Image, options: AnnotationOptions) throws -> Image {
        try DetectorFlow.run(self, on: image.hwc3(), options: options)
    }

    /// `annotate(image, options: AnnotationOptions())`, through the requirement, so an annotator's own
    /// flow runs also when called on `any Annotator`.
    public func annotate(_ image: Image) throws -> Image {
        try annotate(image, options: AnnotationOptions())
    }
}

/// Why an annotator could not run.
public enum AnnotatorError: Error, Equatable, CustomStringConvertible {
    case invalidOption(annotator: String, message: String)
    case detectorFailed(annotator: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let annotator, let message): "\(annotator): \(message)"
        case .detectorFailed(let annotator, let reason): "\(annotator) failed: \(reason)"
        }
    }
}
