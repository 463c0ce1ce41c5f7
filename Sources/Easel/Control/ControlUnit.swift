import AnnotatorCore
import EaselDiffusion
import EaselImage

/// One ControlNet applied to a generation, as a value: the net, its condition image and how it is used. A
/// request takes any number (`GenerationRequest.controlUnits`); their residuals are summed, as diffusers'
/// `MultiControlNetModel` and the A1111 extension do.
///
/// The defaults are A1111's (weight 1, whole schedule, balanced, crop and resize). diffusers'
/// `StableDiffusionControlNetPipeline` is the unit with `resizeMode = .justResize` and `weight` =
/// `controlnet_conditioning_scale` (whose default is 1.0 there and 0.8 in the img2img pipeline);
/// `guidanceStart`/`guidanceEnd` are its `control_guidance_start`/`_end`; `controlMode = .guess` its `guess_mode`.
public struct ControlUnit: Sendable {
    /// The ControlNet, loaded once and shared.
    public var controlNet: LoadedControlNet
    /// The condition map (e.g. white Canny edges on black), or with a `preprocessor` the raw photo or drawing.
    /// Any size: it is fitted to the output size by `resizeMode`.
    public var image: Image
    /// Turns `image` into the condition map first (canny, scribble, ...); nil: `image` already is one.
    public var preprocessor: (any Annotator)?
    /// The preprocessor's detect resolution (A1111's "Preprocessor Resolution"); nil: the annotator's default
    /// (512). Ignored when `pixelPerfect` is on.
    public var preprocessorResolution: Int?
    /// A1111's "Pixel Perfect": the detect resolution from the output size, so the map needs no rescaling
    /// (`pixelPerfectResolution`).
    public var pixelPerfect: Bool = false
    /// The control strength (diffusers' `controlnet_conditioning_scale`, A1111's "Control Weight").
    public var weight: Float = 1
    /// The fraction of the denoising steps where the net starts and stops acting; step i of N runs the net when
    /// `i / N >= guidanceStart` and `(i + 1) / N <= guidanceEnd` (diffusers' `controlnet_keep`).
    public var guidanceStart: Double = 0
    public var guidanceEnd: Double = 1
    public var controlMode: ControlMode = .balanced
    /// How `image` (or the preprocessor's map) is fitted to the output size: A1111's default is crop and
    /// resize; diffusers stretches (`.justResize`). The resampling is Pillow's Lanczos, as diffusers'
    /// `VaeImageProcessor` resizes (A1111's extension resamples with OpenCV instead).
    public var resizeMode: ResizeMode = .cropAndResize
    /// ControlNet v1.1 inpaint (`control_v11p_sd15_inpaint`, A1111's "inpaint" preprocessor): the condition is
    /// made from the inpainting request's own image and mask at the output size (the image in [0, 1] with
    /// every repainted pixel -1, `Image.controlNetInpaintCondition`), and `image` and `preprocessor` are not
    /// used. Needs `GenerationRequest.inpainting` or `outpainting`.
    public var usesInpaintCondition: Bool = false

    public init(controlNet: LoadedControlNet, image: Image) {
        self.controlNet = controlNet
        self.image = image
    }

    /// The A1111 extension's `pixel_perfect_resolution`: the raw image's short side times the factor that fits
    /// it to `width` x `height` (the larger factor, or the smaller for resize-and-fill), rounded half to even.
    /// The detect resolution the preprocessor gets for a `width` x `height` output: pixel perfect's, or
    /// `preprocessorResolution` (nil: the annotator's default).
    public func detectResolution(width: Int, height: Int) -> Int? {
        guard pixelPerfect else { return preprocessorResolution }
        return Self.pixelPerfectResolution(
            imageWidth: image.width, imageHeight: image.height, width: width, height: height, resizeMode: resizeMode)
    }

    public static func pixelPerfectResolution(
        imageWidth: Int, imageHeight: Int, width: Int, height: Int, resizeMode: ResizeMode
    ) -> Int {
        let k0 = Double(height) / Double(imageHeight)
        let k1 = Double(width) / Double(imageWidth)
        let k = resizeMode == .resizeAndFill ? min(k0, k1) : max(k0, k1)
        return Int((k * Double(min(imageWidth, imageHeight))).rounded(.toNearestOrEven))
    }
}

extension ControlUnit: Equatable {
    /// Units are equal when they use the same loaded net and the same settings; preprocessors compare by their
    /// type and settings (`String(reflecting:)`, as they are plain values).
    public static func == (lhs: ControlUnit, rhs: ControlUnit) -> Bool {
        lhs.controlNet == rhs.controlNet && lhs.image == rhs.image
            && lhs.preprocessor.map { String(reflecting: $0) } == rhs.preprocessor.map { String(reflecting: $0) }
            && lhs.preprocessorResolution == rhs.preprocessorResolution && lhs.pixelPerfect == rhs.pixelPerfect
            && lhs.weight == rhs.weight && lhs.guidanceStart == rhs.guidanceStart
            && lhs.guidanceEnd == rhs.guidanceEnd && lhs.controlMode == rhs.controlMode
            && lhs.resizeMode == rhs.resizeMode && lhs.usesInpaintCondition == rhs.usesInpaintCondition
    }
}
