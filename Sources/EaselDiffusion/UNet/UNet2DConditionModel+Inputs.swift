import EaselTensor

extension UNetEncoder {
    /// The shapes of the skip tensors (`Output.skips`) and of the mid block's output for a `[batch, *, height,
    /// width]` sample, without running anything: what a ControlNet's residuals must have (zero residuals for
    /// guess mode's unconditional half, checks before a run).
    public func skipShapes(batch: Int, height: Int, width: Int) -> (down: [[Int]], mid: [Int]) {
        var (h, w) = (height, width)  // conv_in keeps the size (padding (k - 1) / 2)
        var channels = convIn.outChannels
        var down = [[batch, channels, h, w]]
        for block in downBlocks {
            channels = block.resnets.last?.conv2.outChannels ?? channels
            for _ in block.resnets { down.append([batch, channels, h, w]) }
            if let downsampler = block.downsampler {
                // A 3x3 stride-2 conv; the padding-free (VAE-style) form pads one row and column first.
                let (before, after) = downsampler.padsAsymmetrically ? (0, 1) : (downsampler.conv.padding.0, downsampler.conv.padding.0)
                h = (h + before + after - 3) / 2 + 1
                w = (w + before + after - 3) / 2 + 1
                down.append([batch, channels, h, w])
            }
        }
        return (down, [batch, channels, h, w])
    }
}

extension UNet2DConditionModel {
    /// Throws `UNetInputError` when `callAsFunction` could not run on these inputs (it checks the same things
    /// with preconditions): latents of another channel count, text embeddings of another width or batch,
    /// control residuals of another count or shape. Pipelines call it once before their loop.
    public func checkInputs(
        _ sample: Tensor, encoderHiddenStates: Tensor, controlResiduals: UNetControlResiduals? = nil
    ) throws {
        switch encoder.inputProblem(sample, encoderHiddenStates: encoderHiddenStates) {
        case .sample(let inChannels)?: throw UNetInputError.sample(shape: sample.shape, inChannels: inChannels)
        case .encoderHiddenStates(let batch, let width)?:
            throw UNetInputError.encoderHiddenStates(shape: encoderHiddenStates.shape, batch: batch, width: width)
        case nil: break
        }
        let batch = sample.shape[0]
        guard let controlResiduals else { return }
        let expected = encoder.skipShapes(batch: batch, height: sample.shape[2], width: sample.shape[3])
        guard controlResiduals.down.count == expected.down.count else {
            throw UNetInputError.controlResidualCount(actual: controlResiduals.down.count, expected: expected.down.count)
        }
        for (index, (residual, shape)) in zip(controlResiduals.down, expected.down).enumerated() where residual.shape != shape {
            throw UNetInputError.controlResidual(index: index, shape: residual.shape, expected: shape)
        }
        guard controlResiduals.mid.shape == expected.mid else {
            throw UNetInputError.controlResidual(index: nil, shape: controlResiduals.mid.shape, expected: expected.mid)
        }
    }
}

extension UNetEncoder {
    /// What makes `sample` and `encoderHiddenStates` unusable by this encoder (the UNet's or a ControlNet's):
    /// latents of another channel count, or text embeddings of another batch or width.
    enum InputProblem {
        case sample(inChannels: Int)
        case encoderHiddenStates(batch: Int, width: Int)
    }

    func inputProblem(_ sample: Tensor, encoderHiddenStates: Tensor) -> InputProblem? {
        let inChannels = convIn.weight.shape[1]
        guard sample.rank == 4, sample.shape[1] == inChannels, sample.shape.allSatisfy({ $0 > 0 }) else {
            return .sample(inChannels: inChannels)
        }
        // The width the mid block's cross-attention reads (every SD UNet and ControlNet has one cross_attention_dim).
        let width = midBlock.attentions.first?.blocks.first?.crossAttention.toKey.weight.shape[1]
        let batch = sample.shape[0]
        guard encoderHiddenStates.rank == 3, encoderHiddenStates.shape[0] == batch, encoderHiddenStates.shape[1] > 0,
              width == nil || encoderHiddenStates.shape[2] == width
        else { return .encoderHiddenStates(batch: batch, width: width ?? 0) }
        return nil
    }
}
