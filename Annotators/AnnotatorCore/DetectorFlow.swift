import EaselImage

/// The detector flow of controlnet_aux (e.g. `CannyDetector.__call__`), step by step:
///
///     input = HWC3(input)
///     input = resize_image(input, detect_resolution)
///     map = HWC3(detect(input))
///     H, W = resize_image(input, image_resolution).shape[:2]
///     map = cv2.resize(map, (W, H), interpolation=cv2.INTER_LINEAR)
///
/// Note the output size is computed from the already-resized input, as controlnet_aux does.
public enum DetectorFlow {
    /// Runs `annotator` on an RGB image (call `hwc3()` first, as `Annotator.annotate` does).
    /// - Parameters:
    ///   - interpolation: how the map is fitted to the output size (`.nearest` for label maps, whose colours a
    ///     blend would invent).
    ///   - detect: the detection step, when it must do more than `annotator.detect` (e.g. keep the pose found).
    public static func run(
        _ annotator: some Annotator, on rgb: Image, options: AnnotationOptions,
        interpolation: OpenCVInterpolation = .linear, detect: ((Image) throws -> Image)? = nil
    ) throws -> Image {
        let resolutions = try resolutions(for: annotator, options)
        let input = try rgb.resizedForDetection(resolution: resolutions.detect, rule: annotator.detectResolutionRule)
        let map = try detect?(input) ?? annotator.detect(input)
        return try fitOutput(map, detectInput: input, imageResolution: resolutions.image,
                             rule: annotator.detectResolutionRule, interpolation: interpolation)
    }

    /// The detect and image resolutions the options ask for, checked.
    public static func resolutions(for annotator: some Annotator, _ options: AnnotationOptions) throws
        -> (detect: Int, image: Int)
    {
        let detect = options.detectResolution ?? annotator.defaultDetectResolution
        let image = options.imageResolution ?? detect
        guard detect > 0, image > 0 else {
            throw AnnotatorError.invalidOption(
                annotator: annotator.name, message: "resolutions must be positive (got \(detect) and \(image))")
        }
        return (detect, image)
    }

    /// HWC3 of the map, resized (INTER_LINEAR unless told) to the rule's size for the detect input at
    /// `imageResolution`; the map itself when it already has that size.
    public static func fitOutput(_ map: Image, detectInput: Image, imageResolution: Int,
                                 rule: DetectResolutionRule, interpolation: OpenCVInterpolation = .linear) throws -> Image {
        let size = try rule.size(width: detectInput.width, height: detectInput.height, resolution: imageResolution)
        let rgb = map.hwc3()
        guard size.width != rgb.width || size.height != rgb.height else { return rgb }
        return try rgb.resized(width: size.width, height: size.height, interpolation: interpolation)
    }
}
