/// 2-D transposed convolution over NCHW tensors, matching `torch.nn.functional.conv_transpose2d`
/// (the gradient of `conv2d` with respect to its input; arguments in torch's order).
///
/// - Parameters:
///   - input: `[N, C_in, H, W]`.
///   - weight: `[C_in, C_out / groups, kH, kW]` (torch's layout: input channels first).
///   - bias: `[C_out]`, or nil.
///   - stride, padding, outputPadding, dilation: `(vertical, horizontal)` pairs. `outputPadding` adds
///     rows/columns at the bottom/right so a stride-s down-convolution's input size can be recovered;
///     as in torch it must be smaller than the stride or the dilation.
///   - groups: channels split into this many independent groups.
/// - Returns: `[N, C_out, H_out, W_out]`, `H_out = (H - 1) sH - 2 pH + dH (kH - 1) + opH + 1`.
///
/// Computed as GEMM + col2im: per image, group and band of input rows, `W_g^T x_g` gives every
/// (output channel, tap) contribution of those pixels, which col2im adds into the output planes.
public func convTranspose2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil,
    stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0),
    groups: Int = 1, dilation: (Int, Int) = (1, 1)
) -> Tensor {
    convTranspose2d(
        input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
        groups: groups, dilation: dilation, columnBudget: columnBufferBudget)
}

/// `convTranspose2d` with the column buffer's size limit as a parameter (for tests).
func convTranspose2d(
    _ input: Tensor, weight: Tensor, bias: Tensor?,
    stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int), groups: Int, dilation: (Int, Int),
    columnBudget: Int
) -> Tensor {
    precondition(input.rank == 4, "convTranspose2d: input must be [N, C, H, W], got \(input.shape)")
    precondition(
        weight.rank == 4, "convTranspose2d: weight must be [C_in, C_out/groups, kH, kW], got \(weight.shape)")
    let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    precondition(
        weight.shape[0] == channels, "convTranspose2d: weight \(weight.shape) does not fit input \(input.shape)")
    precondition(
        groups > 0 && channels % groups == 0,
        "convTranspose2d: \(channels) input channels do not split into \(groups) groups")
    let groupChannels = channels / groups
    let groupOutChannels = weight.shape[1]
    let outChannels = groupOutChannels * groups
    if let bias {
        precondition(bias.shape == [outChannels], "convTranspose2d: bias must be [\(outChannels)], got \(bias.shape)")
    }
    let (kernelHeight, kernelWidth) = (weight.shape[2], weight.shape[3])
    precondition(
        outputPadding.0 >= 0 && outputPadding.1 >= 0
            && outputPadding.0 < max(stride.0, dilation.0) && outputPadding.1 < max(stride.1, dilation.1),
        "convTranspose2d: output padding \(outputPadding) must be smaller than stride \(stride) or dilation \(dilation)")
    let outHeight = (height - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kernelHeight - 1) + outputPadding.0 + 1
    let outWidth = (width - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kernelWidth - 1) + outputPadding.1 + 1
    precondition(outHeight > 0 && outWidth > 0, "convTranspose2d: padding \(padding) leaves an empty output")

    // The forward convolution this op is the adjoint of: from the output grid to the input grid.
    var geometry = ConvolutionGeometry(
        inputHeight: outHeight, inputWidth: outWidth, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
        strideY: stride.0, strideX: stride.1, paddingY: padding.0, paddingX: padding.1,
        dilationY: dilation.0, dilationX: dilation.1)
    geometry.validate("convTranspose2d")
    // Its output grid is this op's input. (With output padding the forward formula could give one more
    // row or column, when the padding exceeds the stride; those would read nothing here anyway.)
    geometry.outputHeight = height
    geometry.outputWidth = width

    let inPlane = height * width
    let outPlane = outHeight * outWidth
    let columnRows = groupOutChannels * geometry.kernelArea

    return Tensor(shape: [batch, outChannels, outHeight, outWidth]) { output in
        let out = output.baseAddress!
        // col2im accumulates, so the output starts as the bias (or zero).
        if let bias {
            fillPlanes(out, with: bias, batch: batch, planeSize: outPlane)
        } else {
            output.update(repeating: 0)
        }
        input.withUnsafeBufferPointer { inputBuffer in
            weight.withUnsafeBufferPointer { weightBuffer in
                let x = inputBuffer.baseAddress!
                let w = weightBuffer.baseAddress!
                forEachColumnBand(
                    batch: batch, groups: groups, rows: height, rowWidth: width, columnRows: columnRows,
                    budget: columnBudget
                ) { n, group, band, columns in
                    let image = x + (n * channels + group * groupChannels) * inPlane
                    let result = out + (n * outChannels + group * groupOutChannels) * outPlane
                    let bandWidth = band.count * width
                    // [C_out/g kH kW, C_in/g] (the group's weight rows, transposed) x [C_in/g, band pixels].
                    sgemm(
                        transposeA: true,
                        m: columnRows, n: bandWidth, k: groupChannels,
                        a: w + group * groupChannels * columnRows, lda: columnRows,
                        b: image + band.lowerBound * width, ldb: inPlane,
                        c: columns, ldc: bandWidth)
                    col2im(
                        columns: columns, channels: groupOutChannels, geometry: geometry, outputRows: band, image: result)
                }
            }
        }
    }
}
