import AnnotatorCore
import EaselImage
import EaselTensor
import Foundation

/// The ControlNet depth annotator (`easel annotate depth`): a depth network's relative inverse depth,
/// normalised min-max to 0...255 (near is bright), or the normal map made from it.
///
/// - `.midas`: controlnet_aux's `MidasDetector` / A1111's `depth_midas` with the DPT-hybrid network
///   (transformers' Intel/dpt-hybrid-midas layout): the detect-size RGB image as `x/127.5 - 1`, straight
///   into the network (sides are multiples of 64), `DepthMap.depthImage` / `DepthMap.normalImage`.
/// - `.depthAnything`: A1111's `depth_anything` preprocessor (Depth Anything's own transform) with a
///   transformers Depth Anything model: the image resized (cubic) so that neither side is below 518 and both
///   are multiples of 14, ImageNet normalisation, depth resized back bilinearly, then
///   `(d - min) / (max - min) * 255`. Upstream resizes the float image `x / 255`; Easel resizes the bytes
///   (OpenCV's cubic on uint8, so values are rounded and clipped once more), and A1111's edge padding to
///   multiples of 64 around the detector is not reproduced. Not compared with a reference yet.
public struct DepthAnnotator: Annotator {
    /// The network and its weights.
    public enum Model: Sendable {
        case midas(DPTForDepthEstimation)
        case depthAnything(DepthAnythingForDepthEstimation)
    }

    /// Which network family a model folder holds (what users choose).
    public enum Kind: String, Sendable, CaseIterable {
        case midas
        case depthAnything = "depth_anything"
    }

    /// What the annotator returns.
    public enum Output: String, Sendable, CaseIterable {
        /// The gray depth map (ControlNet depth).
        case depth
        /// controlnet_aux's normal map from the depth (ControlNet normal, the MiDaS `bg_th` rule).
        case normal
    }

    public let name = "depth"
    public let defaultDetectResolution = 512
    /// controlnet_aux's rule (sides multiples of 64) for MiDaS; A1111's (short side scaled, no rounding to 64)
    /// for Depth Anything, which controlnet_aux 0.0.10 does not have and which resizes to multiples of 14 anyway.
    public var detectResolutionRule: DetectResolutionRule {
        switch model {
        case .midas: .controlnetAux
        case .depthAnything: .webUI
        }
    }
    public var model: Model
    public var output: Output
    /// controlnet_aux's `a` (the normal map's z component): 2π.
    public var normalStrength: Float = 2 * .pi
    /// controlnet_aux's `bg_th`: where the normalised depth is below it, the normal points at the viewer.
    public var backgroundThreshold: Float = 0.1

    public init(model: Model, output: Output = .depth) {
        self.model = model
        self.output = output
    }

    /// Loads the network of `kind` from a transformers model folder (`config.json` + `model.safetensors`),
    /// or for `.midas` also from the original MiDaS file (`dpt_hybrid-midas-501f0c75.pt`, any file that is not
    /// a folder), read with `DPTConfig.midasHybrid`.
    public init(kind: Kind, contentsOf url: URL, output: Output = .depth) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        switch kind {
        case .midas where exists && !isFolder.boolValue:
            self.init(model: .midas(try DPTForDepthEstimation(midasCheckpoint: url)), output: output)
        case .midas: self.init(model: .midas(try DPTForDepthEstimation(contentsOf: url)), output: output)
        case .depthAnything:
            self.init(model: .depthAnything(try DepthAnythingForDepthEstimation(contentsOf: url)), output: output)
        }
    }

    /// The map for an RGB image at the detect size.
    public func detect(_ image: Image) throws -> Image {
        let depth = try predictDepth(image)
        switch output {
        case .depth:
            switch model {
            case .midas: return try DepthMap.depthImage(depth)
            case .depthAnything: return try DepthMap.rangeScaledImage(depth)
            }
        case .normal:
            return try DepthMap.normalImage(depth, a: normalStrength, backgroundThreshold: backgroundThreshold)
        }
    }

    /// The network's depth `[H, W]` at the image's size.
    public func predictDepth(_ image: Image) throws -> Tensor {
        do {
            switch model {
            case .midas(let network):
                let depth = try network(DepthMap.midasPixels(image))
                return depth.reshaped([image.height, image.width])
            case .depthAnything(let network):
                let size = Self.depthAnythingInputSize(width: image.width, height: image.height,
                                                       patch: network.config.patchSize)
                let input = try image.hwc3().resized(width: size.width, height: size.height, interpolation: .cubic)
                let depth = try network(DepthMap.imageNetPixels(input))
                let resized = interpolate(depth.reshaped([1, 1, depth.shape[1], depth.shape[2]]),
                                          size: (image.height, image.width), mode: .bilinear, alignCorners: false)
                return resized.reshaped([image.height, image.width])
            }
        } catch let error as DepthModelError {
            throw AnnotatorError.detectorFailed(annotator: name, reason: error.description)
        }
    }

    /// Depth Anything's `Resize(518, 518, keep_aspect_ratio=True, ensure_multiple_of=14,
    /// resize_method="lower_bound")`: one scale for both sides so that neither is below 518, each side rounded
    /// to a multiple of 14 (half to even), rounded up instead when that falls below 518.
    public static func depthAnythingInputSize(width: Int, height: Int, patch: Int = 14, target: Int = 518)
        -> (width: Int, height: Int)
    {
        let scale = max(Double(target) / Double(height), Double(target) / Double(width))
        func side(_ value: Double) -> Int {
            var result = Int((value / Double(patch)).rounded(.toNearestOrEven)) * patch
            if result < target { result = Int((value / Double(patch)).rounded(.up)) * patch }
            return result
        }
        return (side(scale * Double(width)), side(scale * Double(height)))
    }
}

extension DepthMap {
    /// A1111's Depth Anything map: `((d - min) / (max - min) * 255).astype(uint8)` (all zeros when flat).
    public static func rangeScaledImage(_ depth: Tensor) throws -> Image {
        let (height, width) = (depth.shape[depth.rank - 2], depth.shape[depth.rank - 1])
        let lowest = depth.scalars.min() ?? 0, highest = depth.scalars.max() ?? 0
        let range = highest - lowest
        let pixels = depth.scalars.map { value -> UInt8 in
            guard range > 0 else { return 0 }
            return UInt8(min(max((value - lowest) / range * 255, 0), 255))
        }
        return try Image(width: width, height: height, layout: .gray, pixels: pixels)
    }
}
