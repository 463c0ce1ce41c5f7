import EaselTensor

/// A source of standard-normal noise, drawn in the order diffusers draws it (`randn_tensor(shape, generator)`).
///
/// Schedulers that add noise on every step (Euler a) take one as `inout`, so a pipeline passes the same source
/// it drew the initial latents from and the draws interleave exactly as diffusers' do.
public protocol RandomSource {
    /// The next `shape`-sized float32 sample of N(0, 1), as `torch.randn(shape, generator=g)`.
    mutating func normal(shape: [Int]) -> Tensor
}
