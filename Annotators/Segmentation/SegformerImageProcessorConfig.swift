import EaselDiffusion
import EaselImage
import EaselTensor
import Foundation

/// The image preprocessing of the UperNet ADE20K models: transformers' `SegformerImageProcessor` (what
/// openmmlab/upernet-convnext-*'s `preprocessor_config.json` names; without torchvision transformers 5.23 runs
/// its PIL backend, `SegformerImageProcessorPil`), decoded from `preprocessor_config.json`. A missing key takes
/// the class default: resize to 512x512 (aspect ratio not kept) with Pillow's bilinear filter, `x / 255`, then
/// ImageNet mean and std.
public struct SegformerImageProcessorConfig: Codable, Sendable, Equatable {
    public var doResize: Bool = true
    public var height: Int = 512
    public var width: Int = 512
    /// PIL's resampling code: 2 BILINEAR (the default), 3 BICUBIC, 1 LANCZOS, 4 BOX, 5 HAMMING.
    public var resample: Int = 2
    public var doRescale: Bool = true
    public var rescaleFactor: Double = 1.0 / 255.0
    public var doNormalize: Bool = true
    public var imageMean: [Double] = [0.485, 0.456, 0.406]
    public var imageStd: [Double] = [0.229, 0.224, 0.225]

    public init() {}

    /// Reads `preprocessor_config.json`.
    public init(contentsOf url: URL) throws {
        self = try ConfigFile.decode(SegformerImageProcessorConfig.self, from: url)
    }

    enum CodingKeys: String, CodingKey {
        case doResize = "do_resize"
        case size
        case resample
        case doRescale = "do_rescale"
        case rescaleFactor = "rescale_factor"
        case doNormalize = "do_normalize"
        case imageMean = "image_mean"
        case imageStd = "image_std"
    }

    /// `size` is `{"height", "width"}`, or one number (old feature-extractor files) for a square.
    struct Size: Codable {
        var height: Int
        var width: Int
        init(from decoder: any Decoder) throws {
            if let side = try? decoder.singleValueContainer().decode(Int.self) {
                (height, width) = (side, side)
                return
            }
            let c = try decoder.container(keyedBy: Keys.self)
            guard let height = try c.decodeIfPresent(Int.self, forKey: .height),
                  let width = try c.decodeIfPresent(Int.self, forKey: .width)
            else {
                throw WeightError.invalidConfiguration(
                    "preprocessor_config.json size must give height and width (Segformer resizes to a fixed size)")
            }
            (self.height, self.width) = (height, width)
        }
        enum Keys: String, CodingKey { case height, width }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SegformerImageProcessorConfig()
        doResize = try c.decodeIfPresent(Bool.self, forKey: .doResize) ?? d.doResize
        let size = try c.decodeIfPresent(Size.self, forKey: .size)
        height = size?.height ?? d.height
        width = size?.width ?? d.width
        resample = try c.decodeIfPresent(Int.self, forKey: .resample) ?? d.resample
        doRescale = try c.decodeIfPresent(Bool.self, forKey: .doRescale) ?? d.doRescale
        rescaleFactor = try c.decodeIfPresent(Double.self, forKey: .rescaleFactor) ?? d.rescaleFactor
        doNormalize = try c.decodeIfPresent(Bool.self, forKey: .doNormalize) ?? d.doNormalize
        imageMean = try c.decodeIfPresent([Double].self, forKey: .imageMean) ?? d.imageMean
        imageStd = try c.decodeIfPresent([Double].self, forKey: .imageStd) ?? d.imageStd
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(doResize, forKey: .doResize)
        try c.encode(["height": height, "width": width], forKey: .size)
        try c.encode(resample, forKey: .resample)
        try c.encode(doRescale, forKey: .doRescale)
        try c.encode(rescaleFactor, forKey: .rescaleFactor)
        try c.encode(doNormalize, forKey: .doNormalize)
        try c.encode(imageMean, forKey: .imageMean)
        try c.encode(imageStd, forKey: .imageStd)
    }

    /// The Pillow filter for `resample`.
    func filter() throws -> PillowFilter {
        switch resample {
        case 1: .lanczos
        case 2: .bilinear
        case 3: .bicubic
        case 4: .box
        case 5: .hamming
        default:
            throw WeightError.invalidConfiguration("preprocessor_config.json resample \(resample) is not supported")
        }
    }

    /// `pixel_values` `[1, 3, H, W]` for an RGB image, as the PIL backend computes them: Pillow resize of the
    /// 8-bit image, then `float32(float64(x) * rescale_factor)`, then `(x - mean) / std` in float32.
    public func pixelValues(for image: Image) throws -> Tensor {
        guard image.layout.channels == 3 else {
            throw SegmentationError.invalidInput("the preprocessor takes an RGB image, got \(image.layout)")
        }
        guard imageMean.count == 3, imageStd.count == 3, imageStd.allSatisfy({ $0 != 0 }) else {
            throw WeightError.invalidConfiguration("image_mean and image_std must have 3 entries, std non-zero")
        }
        let input = doResize && (image.width != width || image.height != height)
            ? try image.resizedLikePillow(width: width, height: height, filter: filter()) : image
        let (w, h) = (input.width, input.height)
        let plane = w * h
        let mean = imageMean.map { Float($0) }, std = imageStd.map { Float($0) }
        return input.withUnsafePixels { pixels in
            Tensor(shape: [1, 3, h, w]) { out in
                for i in 0..<plane {
                    for c in 0..<3 {
                        var v = doRescale ? Float(Double(pixels[i * 3 + c]) * rescaleFactor) : Float(pixels[i * 3 + c])
                        if doNormalize { v = (v - mean[c]) / std[c] }
                        out[c * plane + i] = v
                    }
                }
            }
        }
    }
}
