import AnnotatorCore
import EaselImage
import EaselTensor
import Foundation

/// The ControlNet depth annotator (`easel annotate depth`): a depth network's relative inverse depth,
/// normalised min-max to 0...255 (near is bright), or the normal map made from it.
///
/// - `.midas`: controlnet_aux's `MidasDetector` (the ControlNet v1.1 annotator) with the DPT-hybrid network
///   (transformers' Intel/dpt-hybrid-midas layout, or the original `dpt_hybrid-midas-501f0c75.pt`): the
///   detect-size RGB image (controlnet_aux's resize rule, sides multiples of 64) as `x/127.5 - 1`, straight
///   into the network, then `DepthMap.depthImage` / `DepthMap.normalImage`. (A1111's `depth_midas` differs
///   only in its resize rule and 64-padding, which this flow does not reproduce.)
/// - `.depthAnything`: A1111's `depth_anything` preprocessor (sd-webui-controlnet `annotator/depth_anything.py`
///   behind `resize_image_with_pad`) with a transformers Depth Anything model: the detect-size image padded
///   on the bottom and right to multiples of 64 by repeating its edge; `cv2.cvtColor(img, COLOR_BGR2RGB) / 255`
///   — A1111 hands the detector RGB, so the network sees the channels swapped, and Easel does the same;
///   Depth Anything's transform (cubic resize so that neither side is below 518 and both are multiples of 14,
///   ImageNet mean and std); the depth resized bilinearly to the padded size;
///   `((d - min) / (max - min) * 255).astype(uint8)` over the padded map; the padding cropped off.
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

    /// Where `easel annotate depth` and ControlNet units look for each kind's weights: `--model PATH`, or these
    /// names in the models folder (`--models DIR`, `EASEL_MODELS`), in order.
    public static func weights(for kind: Kind) -> AnnotatorWeights {
        switch kind {
        case .midas:
            AnnotatorWeights(
                annotator: "depth", fileNames: ["dpt_hybrid-midas-501f0c75.pt", "dpt-hybrid-midas"],
                description: "MiDaS DPT-hybrid, the ControlNet depth annotator's model (lllyasviel/Annotators' .pt, "
                    + "or an Intel/dpt-hybrid-midas folder)")
        case .depthAnything:
            AnnotatorWeights(
                annotator: "depth_anything",
                fileNames: ["depth-anything-small-hf", "depth-anything-base-hf", "depth-anything-large-hf"],
                description: "a transformers Depth Anything folder (LiheYoung/depth-anything-*-hf)")
        }
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
        let map: Image
        switch output {
        case .depth:
            switch model {
            case .midas: map = try DepthMap.depthImage(depth)
            case .depthAnything: map = try DepthMap.rangeScaledImage(depth)
            }
        case .normal:
            map = try DepthMap.normalImage(depth, a: normalStrength, backgroundThreshold: backgroundThreshold)
        }
        // A1111's remove_pad: the top-left image-sized part of the (possibly padded) map.
        guard map.width != image.width || map.height != image.height else { return map }
        return try map.cropped(to: PixelRegion(x1: 0, y1: 0, x2: image.width, y2: image.height))
    }

    /// The network's depth `[H, W]`: at the image's size for MiDaS, at the size padded to multiples of 64
    /// for Depth Anything (A1111 normalises the padded map and crops it afterwards).
    public func predictDepth(_ image: Image) throws -> Tensor {
        do {
            switch model {
            case .midas(let network):
                let depth = try network(DepthMap.midasPixels(image))
                return depth.reshaped([image.height, image.width])
            case .depthAnything(let network):
                return try Self.depthAnythingDepth(network, image)
            }
        } catch let error as DepthModelError {
            throw AnnotatorError.detectorFailed(annotator: name, reason: error.description)
        }
    }

    /// A1111's Depth Anything detector on the 64-padded image: `[paddedHeight, paddedWidth]` depth.
    static func depthAnythingDepth(_ network: DepthAnythingForDepthEstimation, _ image: Image) throws -> Tensor {
        // A1111's resize_image_with_pad: the last row and column repeated up to multiples of 64 (np.pad "edge").
        let rgb = image.hwc3()
        let padded = try rgb.extended(
            left: 0, top: 0, right: (64 - rgb.width % 64) % 64, bottom: (64 - rgb.height % 64) % 64, fill: .edge)
        let (width, height) = (padded.width, padded.height)
        // cv2.cvtColor(RGB input, COLOR_BGR2RGB) / 255.0: the channels swapped.
        var values = [Float](repeating: 0, count: width * height * 3)
        padded.withUnsafePixels { pixels in
            for index in 0..<(width * height) {
                for channel in 0..<3 { values[index * 3 + channel] = Float(pixels[index * 3 + 2 - channel]) / 255 }
            }
        }
        let size = depthAnythingInputSize(width: width, height: height, patch: network.config.patchSize)
        // Upstream resizes float64 data; OpenCV's float32 resize rounds differently by ~1e-7.
        let resized = try FloatImage(width: width, height: height, channels: 3, values: values)
            .resized(width: size.width, height: size.height, interpolation: .cubic)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        let count = size.width * size.height
        let pixels = Tensor(shape: [1, 3, size.height, size.width]) { out in
            for index in 0..<count {
                for channel in 0..<3 {
                    out[channel * count + index] = (resized.values[index * 3 + channel] - mean[channel]) / std[channel]
                }
            }
        }
        let depth = try network(pixels)
        let back = interpolate(depth.reshaped([1, 1, depth.shape[1], depth.shape[2]]), size: (height, width),
                               mode: .bilinear, alignCorners: false)
        return back.reshaped([height, width])
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
