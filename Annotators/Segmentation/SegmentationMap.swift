import EaselImage
import EaselTensor

/// A per-pixel class map and its painting, as diffusers' seg ControlNet example (the sd-controlnet-seg model
/// card) makes the condition image:
///
///     seg = image_processor.post_process_semantic_segmentation(outputs, target_sizes=[image.size[::-1]])[0]
///     color_seg = np.zeros((H, W, 3), dtype=np.uint8)
///     for label, color in enumerate(np.array(ade_palette())): color_seg[seg == label, :] = color
public struct SegmentationMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major class ids.
    public let labels: [Int]

    public init(width: Int, height: Int, labels: [Int]) {
        precondition(labels.count == width * height, "SegmentationMap: \(labels.count) labels for \(width)x\(height)")
        (self.width, self.height, self.labels) = (width, height, labels)
    }

    /// `SegformerImageProcessor.post_process_semantic_segmentation` with a target size: the logits
    /// `[1, C, h, w]` resized bilinearly (align_corners=False) to `width x height`, then the class of the largest
    /// logit per pixel (the first one on ties, as torch's argmax).
    public init(logits: Tensor, width: Int, height: Int) {
        precondition(logits.rank == 4 && logits.shape[0] == 1, "SegmentationMap: logits must be [1, C, H, W], got \(logits.shape)")
        let resized = logits.shape[2] == height && logits.shape[3] == width
            ? logits : interpolate(logits, size: (height, width), mode: .bilinear, alignCorners: false)
        self.init(argmaxOf: resized)
    }

    /// The per-pixel argmax of `[1, C, H, W]` logits at their own size.
    public init(argmaxOf logits: Tensor) {
        let (classes, height, width) = (logits.shape[1], logits.shape[2], logits.shape[3])
        let plane = height * width
        var labels = [Int](repeating: 0, count: plane)
        logits.withUnsafeBufferPointer { values in
            var best = Array(values[0..<plane])
            for c in 1..<max(classes, 1) {
                let row = values.baseAddress! + c * plane
                for i in 0..<plane where row[i] > best[i] {
                    best[i] = row[i]
                    labels[i] = c
                }
            }
        }
        self.init(width: width, height: height, labels: labels)
    }

    /// Each pixel painted with its class's colour from `palette` (default: ADE20K); ids past the palette's
    /// end stay black, as in the example (its loop only paints the palette's labels).
    public func painted(palette: [(red: UInt8, green: UInt8, blue: UInt8)] = ADEPalette.colors) throws -> Image {
        var pixels = [UInt8](repeating: 0, count: labels.count * 3)
        for (i, label) in labels.enumerated() where label >= 0 && label < palette.count {
            let color = palette[label]
            pixels[i * 3] = color.red
            pixels[i * 3 + 1] = color.green
            pixels[i * 3 + 2] = color.blue
        }
        return try Image(width: width, height: height, layout: .rgb, pixels: pixels)
    }
}
