/// The depthwise case of `conv2d` (`groups == C`, weight `[C * multiplier, 1, kH, kW]`): each output
/// channel `o` filters input channel `o / multiplier` alone.
///
/// A GEMM here would have an inner dimension of kH * kW (9 for 3x3), too small to pay for the im2col,
/// so this accumulates each tap as a scaled row (`out[oy, :] += w * in[iy, :]`) over output planes split
/// across the cores. Callers have validated the shapes.
func depthwiseConv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
    let (batch, channels) = (input.shape[0], input.shape[1])
    let outChannels = weight.shape[0]
    let multiplier = outChannels / channels
    let (outHeight, outWidth) = (g.outputHeight, g.outputWidth)
    let outPlane = outHeight * outWidth
    let inPlane = g.inputHeight * g.inputWidth
    let kernelArea = g.kernelArea

    return Tensor(shape: [batch, outChannels, outHeight, outWidth]) { output in
        let out = UncheckedSendable(output.baseAddress!)
        input.withUnsafeBufferPointer { inputBuffer in
            weight.withUnsafeBufferPointer { weightBuffer in
                let x = UncheckedSendable(inputBuffer.baseAddress!)
                let w = UncheckedSendable(weightBuffer.baseAddress!)
                let biasValues = bias?.scalars
                Parallel.forEach(batch * outChannels, grain: max(1, 8_192 / max(1, outPlane * kernelArea))) { planes in
                    for plane in planes {
                        let outChannel = plane % outChannels
                        let n = plane / outChannels
                        let source = x.value + (n * channels + outChannel / multiplier) * inPlane
                        let target = out.value + plane * outPlane
                        target.update(repeating: biasValues?[outChannel] ?? 0, count: outPlane)
                        let taps = w.value + outChannel * kernelArea
                        for ky in 0..<g.kernelHeight {
                            let rows = g.validOutputRows(ky: ky)
                            for kx in 0..<g.kernelWidth {
                                let tap = taps[ky * g.kernelWidth + kx]
                                let columns = g.validOutputColumns(kx: kx)
                                guard !columns.isEmpty else { continue }
                                let dx = g.columnOffset(kx: kx)
                                for oy in rows {
                                    let from = source + (oy * g.strideY + g.rowOffset(ky: ky)) * g.inputWidth + dx
                                    let to = target + oy * outWidth
                                    if g.strideX == 1 {
                                        for ox in columns { to[ox] += tap * from[ox] }
                                    } else {
                                        for ox in columns { to[ox] += tap * from[ox * g.strideX] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
