/// A fully connected layer over the last axis, matching `torch.nn.functional.linear`:
/// `y = x W^T + b`.
///
/// - Parameters:
///   - input: `[..., in]`; every leading axis is treated as a batch of rows.
///   - weight: `[out, in]`, torch's layout (so `nn.Linear` weights load as they are).
///   - bias: `[out]`, or nil.
/// - Returns: `[..., out]`.
///
/// One GEMM over all rows; the bias is written into the output first and the product added to it.
public func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(input.rank >= 1, "linear: input must have at least one axis")
    precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
    let inFeatures = weight.shape[1]
    let outFeatures = weight.shape[0]
    precondition(
        input.shape[input.rank - 1] == inFeatures,
        "linear: input \(input.shape) does not end in the weight's \(inFeatures) input features")
    if let bias {
        precondition(bias.shape == [outFeatures], "linear: bias must be [\(outFeatures)], got \(bias.shape)")
    }
    let rows = Tensor.elementCount(Array(input.shape.dropLast()))
    var outputShape = input.shape
    outputShape[outputShape.count - 1] = outFeatures

    return Tensor(shape: outputShape) { output in
        guard rows > 0, outFeatures > 0 else { return }
        let out = output.baseAddress!
        if let bias { fillRows(out, with: bias, rows: rows) }
        guard inFeatures > 0 else {
            if bias == nil { output.update(repeating: 0) }
            return
        }
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                sgemm(
                    transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                    a: x.baseAddress!, lda: inFeatures, b: w.baseAddress!, ldb: inFeatures,
                    beta: bias == nil ? 0 : 1, c: out, ldc: outFeatures)
            }
        }
    }
}

/// Copies `bias` into each of the `rows` consecutive rows of `output`.
private func fillRows(_ output: UnsafeMutablePointer<Float>, with bias: Tensor, rows: Int) {
    let width = bias.count
    let output = UncheckedSendable(output)
    bias.withUnsafeBufferPointer { values in
        let values = UncheckedSendable(values.baseAddress!)
        Parallel.forEach(rows, grain: max(1, 16_384 / max(1, width))) { range in
            for row in range { (output.value + row * width).update(from: values.value, count: width) }
        }
    }
}
