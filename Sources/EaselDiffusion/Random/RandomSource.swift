import EaselTensor

/// A seeded source of the Gaussian noise a diffusion pipeline draws: the initial latents, the VAE's latent sample,
/// and the per-step noise of ancestral / SDE schedulers, in the order the pipeline asks for them.
///
/// diffusers draws every one of these through `randn_tensor`, i.e. `torch.randn(shape, generator:, dtype: float32)`,
/// so one operation is all a source needs; none of the schedulers Easel implements (DDIM, PNDM, Euler, Euler a,
/// DPM++ 2M) draws uniforms. A source is a value type whose state advances with each draw, like a
/// `torch.Generator` passed to every call: copy it to replay a sequence.
public protocol RandomSource: Sendable {
    /// Draws a float32 tensor of `shape` filled with standard-normal samples (`torch.randn(shape, generator: g)`).
    ///
    /// Named for the distribution rather than torch's `randn` so that call sites read as what they get.
    mutating func normal(shape: [Int]) -> Tensor
}
