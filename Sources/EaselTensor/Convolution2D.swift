/// 2-D convolution over NCHW tensors, matching `torch.nn.functional.conv2d`
/// (cross-correlation, zero padding).
///
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - weight: `[O, C / groups, kH, kW]`.
///   - bias: `[O]`, or nil.
///   - stride, padding, dilation: `(vertical, horizontal)` pairs, as torch's `(sH, sW)` tuples.
///     Padding is applied on both sides of each axis; for one-sided padding (the SD VAE encoder's
///     `(0, 1, 0, 1)`) pad the input first, as diffusers does.
///   - groups: input and output channels are split into this many independent groups.
/// - Returns: `[N, O, H_out, W_out]` with `H_out = floor((H + 2 pH - dH (kH - 1) - 1) / sH) + 1`.
///
/// 3x3 stride-1 convolutions of 32 or more channels use Winograd's F(2x2, 3x3) (`WinogradConvolution`), 2.25
/// times fewer multiplications. Others are computed as one GEMM per (image, group, band of output rows) over an
/// im2col buffer of at most
/// `columnBufferBudget` floats, reused for the whole call; 1x1 stride-1 unpadded convolutions multiply
/// the input directly, and depthwise convolutions (`groups == C`) use a direct loop, where a GEMM would
/// have an inner dimension of only kH * kW.
public func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil,
    stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
    groups: Int = 1
) -> Tensor {
    conv2d(
        input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
        columnBudget: columnBufferBudget,
        winogradBandBudget: WinogradConvolution.enabled ? WinogradConvolution.bandBudget : nil)
}

/// `conv2d` with the buffers' size limits as parameters, so tests can force many bands (and a ragged last one)
/// on small inputs. `winogradBandBudget` nil keeps every convolution on the im2col path; otherwise 3x3 stride-1
/// convolutions that `WinogradConvolution.applies` to take F(2x2, 3x3) with bands of at most that many floats.
func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor?,
    stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), groups: Int, columnBudget: Int,
    winogradBandBudget: Int? = nil
) -> Tensor {
    precondition(input.rank == 4, "conv2d: input must be [N, C, H, W], got \(input.shape)")
    precondition(weight.rank == 4, "conv2d: weight must be [O, C/groups, kH, kW], got \(weight.shape)")
    let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let outChannels = weight.shape[0]
    precondition(
        groups > 0 && channels % groups == 0 && outChannels % groups == 0,
        "conv2d: \(channels) input and \(outChannels) output channels do not split into \(groups) groups")
    let groupChannels = channels / groups
    let groupOutChannels = outChannels / groups
    precondition(
        weight.shape[1] == groupChannels,
        "conv2d: weight \(weight.shape) does not fit input \(input.shape) with \(groups) groups")
    if let bias {
        precondition(bias.shape == [outChannels], "conv2d: bias must be [\(outChannels)], got \(bias.shape)")
    }
    let geometry = ConvolutionGeometry(
        inputHeight: height, inputWidth: width, kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
        strideY: stride.0, strideX: stride.1, paddingY: padding.0, paddingX: padding.1,
        dilationY: dilation.0, dilationX: dilation.1)
    geometry.validate("conv2d")
    let (outHeight, outWidth) = (geometry.outputHeight, geometry.outputWidth)
    precondition(
        outHeight > 0 && outWidth > 0,
        "conv2d: kernel \(weight.shape[2])x\(weight.shape[3]) (dilation \(dilation)) exceeds padded input \(height)x\(width)")

    let outputShape = [batch, outChannels, outHeight, outWidth]
    if groupChannels == 1 && groups > 1 {
        return depthwiseConv2d(input, weight: weight, bias: bias, geometry: geometry)
    }
    if let winogradBandBudget,
        WinogradConvolution.applies(geometry: geometry, groups: groups, channels: channels, outChannels: outChannels)
    {
        return WinogradConvolution.convolve(
            input, weight: weight, bias: bias, geometry: geometry, bandBudget: winogradBandBudget)
    }

    let outPlane = outHeight * outWidth
    let inPlane = height * width
    let columnRows = groupChannels * geometry.kernelArea
    let isPointwise = geometry.kernelArea == 1 && stride == (1, 1) && padding == (0, 0)

    return Tensor(shape: outputShape) { output in
        let out = output.baseAddress!
        // With a bias, the products accumulate onto it (beta 1); without, they overwrite (beta 0).
        let beta: Float = bias == nil ? 0 : 1
        if let bias { fillPlanes(out, with: bias, batch: batch, planeSize: outPlane) }
        input.withUnsafeBufferPointer { inputBuffer in
            weight.withUnsafeBufferPointer { weightBuffer in
                let x = inputBuffer.baseAddress!
                let w = weightBuffer.baseAddress!
                if isPointwise {
                    // A 1x1 convolution is already a product: [O/g, C/g] x [C/g, H*W] per image and group.
                    for n in 0..<batch {
                        for group in 0..<groups {
                            sgemm(
                                m: groupOutChannels, n: outPlane, k: groupChannels,
                                a: w + group * groupOutChannels * groupChannels, lda: groupChannels,
                                b: x + (n * channels + group * groupChannels) * inPlane, ldb: inPlane,
                                beta: beta,
                                c: out + (n * outChannels + group * groupOutChannels) * outPlane, ldc: outPlane)
                        }
                    }
                    return
                }
                forEachColumnBand(
                    batch: batch, groups: groups, rows: outHeight, rowWidth: outWidth, columnRows: columnRows,
                    budget: columnBudget
                ) { n, group, band, columns in
                    let image = x + (n * channels + group * groupChannels) * inPlane
                    let result = out + (n * outChannels + group * groupOutChannels) * outPlane
                    let bandWidth = band.count * outWidth
                    im2col(image: image, channels: groupChannels, geometry: geometry, outputRows: band, columns: columns)
                    // [O/g, C/g kH kW] x [C/g kH kW, band pixels], written into the band's
                    // columns of the [O/g, H_out W_out] output planes.
                    sgemm(
                        m: groupOutChannels, n: bandWidth, k: columnRows,
                        a: w + group * groupOutChannels * columnRows, lda: columnRows,
                        b: columns, ldb: bandWidth,
                        beta: beta,
                        c: result + band.lowerBound * outWidth, ldc: outPlane)
                }
            }
        }
    }
}

/// Sets every `[planeSize]` plane of a `[batch, C, ...]` buffer to its channel's bias value.
func fillPlanes(_ output: UnsafeMutablePointer<Float>, with bias: Tensor, batch: Int, planeSize: Int) {
    let channels = bias.count
    let output = UncheckedSendable(output)
    bias.withUnsafeBufferPointer { values in
        let values = UncheckedSendable(values)
        Parallel.forEach(batch * channels, grain: max(1, 16_384 / max(1, planeSize))) { planes in
            for plane in planes {
                (output.value + plane * planeSize).update(repeating: values.value[plane % channels], count: planeSize)
            }
        }
    }
}
