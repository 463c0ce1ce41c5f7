import EaselTensor

/// Several ControlNets on the same latents, diffusers' `MultiControlNetModel`: each net reads its own condition
/// image under its own scale, and their residuals are summed (the first net's, plus each next one's, in order).
public struct MultiControlNet: Sendable {
    public var nets: [ControlNetModel]

    public init(_ nets: [ControlNetModel]) {
        self.nets = nets
    }

    /// diffusers' `MultiControlNetModel.forward(..., controlnet_cond, conditioning_scale, guess_mode)`: net `i` on
    /// `conditions[i]` with `conditioningScales[i]`, all in guess mode or none. Nil when there are no nets.
    public func callAsFunction(
        _ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor, conditions: [Tensor], conditioningScales: [Float],
        guessMode: Bool = false
    ) throws -> UNetControlResiduals? {
        guard conditioningScales.count == nets.count else {
            throw ControlNetInputError.unitCount(nets: nets.count, conditions: conditions.count, scales: conditioningScales.count)
        }
        let scales = zip(nets, conditioningScales).map { net, scale in
            net.residualScales(conditioningScale: scale, guessMode: guessMode)
        }
        return try self(sample, timestep: timestep, encoderHiddenStates: encoderHiddenStates, conditions: conditions, scales: scales)
    }

    /// Net `i` on `conditions[i]` with per-residual factors `scales[i]` (e.g. A1111 units in different control
    /// modes, see `ControlNetResidualScales`), the residuals summed. Nil when there are no nets.
    public func callAsFunction(
        _ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor, conditions: [Tensor], scales: [[Float]]
    ) throws -> UNetControlResiduals? {
        guard conditions.count == nets.count, scales.count == nets.count else {
            throw ControlNetInputError.unitCount(nets: nets.count, conditions: conditions.count, scales: scales.count)
        }
        let parts = try nets.indices.map { index in
            try nets[index](
                sample, timestep: timestep, encoderHiddenStates: encoderHiddenStates, condition: conditions[index],
                scales: scales[index])
        }
        return try Self.sum(parts)
    }

    /// The elementwise sum of several nets' residuals (what a pipeline adds when it runs its units itself, e.g.
    /// to skip those outside their guidance start/end); nil for none. Throws
    /// `ControlNetInputError.residualCount` or `.residualMismatch` when their counts or shapes differ.
    public static func sum(_ parts: [UNetControlResiduals]) throws -> UNetControlResiduals? {
        guard var total = parts.first else { return nil }
        for part in parts.dropFirst() {
            guard part.down.count == total.down.count else {
                throw ControlNetInputError.residualCount(actual: part.down.count, expected: total.down.count)
            }
            for index in total.down.indices {
                guard part.down[index].shape == total.down[index].shape else {
                    throw ControlNetInputError.residualMismatch(
                        index: index, shape: part.down[index].shape, expected: total.down[index].shape)
                }
                total.down[index] += part.down[index]
            }
            guard part.mid.shape == total.mid.shape else {
                throw ControlNetInputError.residualMismatch(index: nil, shape: part.mid.shape, expected: total.mid.shape)
            }
            total.mid += part.mid
        }
        return total
    }
}
