import EaselDiffusion
import EaselTensor

extension GuidedDenoiser {
    /// The summed residuals of the units active on step `step` of `count`, for the UNet batch this denoiser
    /// runs (`[uncond, cond]` with guidance), as diffusers' ControlNet pipelines compute them:
    /// - a balanced (or prompt-more-important) unit runs on the whole batch with its condition doubled;
    /// - a conditional-only unit (guess mode, ControlNet-more-important) runs on the latents and the positive
    ///   embeddings alone, and the unconditional half gets zeros;
    /// - without guidance every unit runs on the one latent, as in diffusers (guess mode keeps its scales).
    /// Nil when no unit is active (the UNet then adds nothing, as diffusers' zero-scaled residuals add zeros).
    func controlResiduals(_ scaledLatents: Tensor, timestep: Float, step: Int, of count: Int) throws
        -> UNetControlResiduals?
    {
        var parts: [UNetControlResiduals] = []
        for unit in control where unit.isActive(step: step, of: count) {
            guard guidanceScale != nil else {
                parts.append(try unit.net(
                    scaledLatents, timestep: timestep, encoderHiddenStates: context, condition: unit.condition,
                    scales: unit.scales))
                continue
            }
            if unit.conditionalOnly {
                let residuals = try unit.net(
                    scaledLatents, timestep: timestep, encoderHiddenStates: positiveContext, condition: unit.condition,
                    scales: unit.scales)
                parts.append(UNetControlResiduals(
                    down: residuals.down.map(Self.withZeroUnconditionalHalf), mid: Self.withZeroUnconditionalHalf(residuals.mid)))
            } else {
                parts.append(try unit.net(
                    concat([scaledLatents, scaledLatents], axis: 0), timestep: timestep, encoderHiddenStates: context,
                    condition: unit.doubledCondition, scales: unit.scales))
            }
        }
        return try MultiControlNet.sum(parts)
    }

    /// `torch.cat([torch.zeros_like(d), d])`.
    static func withZeroUnconditionalHalf(_ residual: Tensor) -> Tensor {
        concat([Tensor(zeros: residual.shape), residual], axis: 0)
    }

    /// Checks each unit's net against the inputs it will get, so a ControlNet for another model (text width,
    /// latent channels) fails before the loop with the net's own message.
    func checkControlInputs(_ latents: Tensor) throws {
        for unit in control {
            if guidanceScale != nil && !unit.conditionalOnly {
                try unit.net.checkInputs(
                    concat([latents, latents], axis: 0), encoderHiddenStates: context, condition: unit.doubledCondition)
            } else {
                try unit.net.checkInputs(latents, encoderHiddenStates: positiveContext, condition: unit.condition)
            }
        }
    }
}
