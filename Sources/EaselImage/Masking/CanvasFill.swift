/// How `Image.extended` fills the new area of an outpainting canvas.
public enum CanvasFill: Sendable, Equatable {
    /// Each new pixel repeats the nearest original pixel (NumPy's `np.pad(mode="edge")`, OpenCV's
    /// `BORDER_REPLICATE`).
    case edge
    /// The original reflected about its outermost pixels, which are not repeated, and again for pads wider
    /// than the image (NumPy's `np.pad(mode="reflect")`, OpenCV's `BORDER_REFLECT_101`).
    case mirror
    /// Uniform random bytes, every channel drawn independently (an alpha channel is set to 255), in row-major
    /// order over the new area only, from `SplitMix64(seed)`: each byte is the top 8 bits of one output.
    /// The same seed gives the same canvas on every platform.
    case noise(seed: UInt64)
    /// Mid-gray, 128 in every colour channel (0 in diffusers' [-1, 1] range is 127.5), alpha 255.
    case gray
}

/// SplitMix64 (Steele, Lea, Flood 2014; the seeding generator of `java.util.SplittableRandom` and xoshiro):
/// a small, well-mixed, fully specified generator for the noise fill.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
