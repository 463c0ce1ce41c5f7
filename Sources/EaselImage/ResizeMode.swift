/// The three resize modes A1111 users know, numbered as in AUTOMATIC1111's `images.resize_image`
/// (diffusers' `VaeImageProcessor.resize` has the same as "default", "crop" and "fill").
public enum ResizeMode: Int, Sendable, CaseIterable {
    /// 0, "Just resize": stretch to exactly width x height.
    case justResize = 0
    /// 1, "Crop and resize": scale to cover, keeping the aspect ratio, and center-crop the excess.
    case cropAndResize = 1
    /// 2, "Resize and fill": scale to fit, center, and fill the empty bands from the image's edges.
    case resizeAndFill = 2
}

/// Which resampling implementation a resize uses.
public enum Resampler: Sendable {
    /// Pillow's `Image.resize` (A1111 and diffusers resize images with `.pillow(.lanczos)`).
    case pillow(PillowFilter)
    /// OpenCV's `cv::resize` (controlnet_aux and the A1111 ControlNet extension use this).
    case opencv(OpenCVInterpolation)
}

extension Image {
    /// Resizes with one resampler.
    public func resized(width newWidth: Int, height newHeight: Int, resampler: Resampler) throws -> Image {
        switch resampler {
        case .pillow(let filter): try resizedLikePillow(width: newWidth, height: newHeight, filter: filter)
        case .opencv(let interpolation): try resized(width: newWidth, height: newHeight, interpolation: interpolation)
        }
    }

    /// AUTOMATIC1111's `images.resize_image(mode, image, width, height)` without an upscaler
    /// (= diffusers' `VaeImageProcessor.resize`): the same sizes, offsets and integer arithmetic.
    ///
    /// - `.cropAndResize`: the scaled side is `image side * other target side // other image side`
    ///   (floor), pasted at `(width // 2 - scaled_w // 2, height // 2 - scaled_h // 2)`.
    /// - `.resizeAndFill`: the bands are filled as A1111 does, by resizing the outermost row (column) of
    ///   the scaled image into the band with Pillow's default filter, bicubic, over a zero-height (width)
    ///   box: each band pixel is 1.125 x edge - 0.125 x next-to-edge, clipped. With an odd target side
    ///   around an even scaled side the last row (column) stays black, as in A1111. Bands of 0 pixels
    ///   are skipped, as diffusers does (A1111's Pillow call raises on them).
    ///
    /// `resampler` scales the image itself (A1111: Pillow Lanczos, the default). The output keeps this
    /// image's layout; A1111 pastes onto an RGB canvas, so pass RGB images to match it exactly.
    public func resized(width newWidth: Int, height newHeight: Int, mode: ResizeMode,
                        resampler: Resampler = .pillow(.lanczos)) throws -> Image {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError.invalidArgument("cannot resize to \(newWidth)x\(newHeight)")
        }
        let ratio = Double(newWidth) / Double(newHeight)
        let sourceRatio = Double(width) / Double(height)
        switch mode {
        case .justResize:
            return try resized(width: newWidth, height: newHeight, resampler: resampler)

        case .cropAndResize:
            let scaledWidth = ratio > sourceRatio ? newWidth : width * newHeight / height
            let scaledHeight = ratio <= sourceRatio ? newHeight : height * newWidth / width
            let scaled = try resized(width: scaledWidth, height: scaledHeight, resampler: resampler)
            return try Image(width: newWidth, height: newHeight, layout: layout)
                .pasting(scaled, x: newWidth / 2 - scaledWidth / 2, y: newHeight / 2 - scaledHeight / 2)

        case .resizeAndFill:
            let scaledWidth = ratio < sourceRatio ? newWidth : width * newHeight / height
            let scaledHeight = ratio >= sourceRatio ? newHeight : height * newWidth / width
            guard scaledWidth > 0, scaledHeight > 0 else {
                throw ImageError.invalidArgument(
                    "a \(width)x\(height) image scaled to fit \(newWidth)x\(newHeight) would be empty")
            }
            let scaled = try resized(width: scaledWidth, height: scaledHeight, resampler: resampler)
            var result = try Image(width: newWidth, height: newHeight, layout: layout)
                .pasting(scaled, x: newWidth / 2 - scaledWidth / 2, y: newHeight / 2 - scaledHeight / 2)
            let (w, h) = (Float(newWidth), Float(newHeight))
            if ratio < sourceRatio {
                let fillHeight = newHeight / 2 - scaledHeight / 2
                if fillHeight > 0 {
                    let top = try scaled.resizedLikePillow(
                        width: newWidth, height: fillHeight, filter: .bicubic,
                        box: PillowBox(left: 0, top: 0, right: w, bottom: 0))
                    let edge = Float(scaled.height)
                    let bottom = try scaled.resizedLikePillow(
                        width: newWidth, height: fillHeight, filter: .bicubic,
                        box: PillowBox(left: 0, top: edge, right: w, bottom: edge))
                    result = try result.pasting(top, x: 0, y: 0).pasting(bottom, x: 0, y: fillHeight + scaledHeight)
                }
            } else if ratio > sourceRatio {
                let fillWidth = newWidth / 2 - scaledWidth / 2
                if fillWidth > 0 {
                    let left = try scaled.resizedLikePillow(
                        width: fillWidth, height: newHeight, filter: .bicubic,
                        box: PillowBox(left: 0, top: 0, right: 0, bottom: h))
                    let edge = Float(scaled.width)
                    let right = try scaled.resizedLikePillow(
                        width: fillWidth, height: newHeight, filter: .bicubic,
                        box: PillowBox(left: edge, top: 0, right: edge, bottom: h))
                    result = try result.pasting(left, x: 0, y: 0).pasting(right, x: fillWidth + scaledWidth, y: 0)
                }
            }
            return result
        }
    }
}
