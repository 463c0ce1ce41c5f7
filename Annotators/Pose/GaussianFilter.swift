/// `scipy.ndimage.gaussian_filter(map, sigma=3)` on a float64 plane, the smoothing controlnet_aux's
/// `Body.__call__` applies before looking for peaks, bit for bit.
///
/// scipy filters axis 0 (rows) then axis 1 with `correlate1d`, mode "reflect" (`d c b a | a b c d | d c b a`),
/// radius `int(4.0 * 3 + 0.5) = 12`, and, the weights being symmetric, sums each output as
/// `w0 * x[i] + sum over j = 12 ... 1 of (x[i - j] + x[i + j]) * w[j]`, in that order, in double.
enum GaussianFilter {
    /// scipy's `_gaussian_kernel1d(3.0, 0, 12)[12...]`: `exp(-0.5 / 9 * x^2)` normalised by its NumPy
    /// pairwise sum. Stored as scipy computes them (NumPy's exp may differ from libm's in the last bit).
    static let sigma3Weights: [Double] = [
        0x1.105a329f98197p-3, 0x1.01a25f86eb137p-3, 0x1.b42a57d56c0bep-4, 0x1.4a614d1afd337p-4,
        0x1.bfde9c12bec92p-5, 0x1.0fa58939b528fp-5, 0x1.26defcaeb0202p-6, 0x1.1e6bccad344bap-7,
        0x1.f1e9915139406p-9, 0x1.8345966f69518p-10, 0x1.0d8a5ad43c165p-11, 0x1.4fbe39149e277p-13,
        0x1.763a210dfb306p-15,
    ]

    /// The smoothed plane (`width` x `height`, row-major).
    static func sigma3(_ plane: [Double], width: Int, height: Int) -> [Double] {
        precondition(plane.count == width * height && width > 0 && height > 0)
        var rows = [Double](repeating: 0, count: plane.count)
        // Axis 0: each column.
        var line = [Double](repeating: 0, count: height)
        var out = [Double](repeating: 0, count: height)
        // The reflected line, the kernel radius each side: scratch reused by every line.
        var padded = [Double](repeating: 0, count: max(width, height) + 2 * (sigma3Weights.count - 1))
        for x in 0..<width {
            for y in 0..<height { line[y] = plane[y * width + x] }
            correlate(line, into: &out, padded: &padded)
            for y in 0..<height { rows[y * width + x] = out[y] }
        }
        // Axis 1: each row.
        var result = [Double](repeating: 0, count: plane.count)
        line = [Double](repeating: 0, count: width)
        out = [Double](repeating: 0, count: width)
        for y in 0..<height {
            for x in 0..<width { line[x] = rows[y * width + x] }
            correlate(line, into: &out, padded: &padded)
            for x in 0..<width { result[y * width + x] = out[x] }
        }
        return result
    }

    /// scipy's symmetric `NI_Correlate1D` loop over one line extended by reflection.
    /// `padded` is scratch of at least `line.count + 2 * radius` values.
    private static func correlate(_ line: [Double], into out: inout [Double], padded: inout [Double]) {
        let n = line.count
        let radius = sigma3Weights.count - 1
        for i in 0..<(n + 2 * radius) { padded[i] = line[reflect(i - radius, n)] }
        let w = sigma3Weights
        for i in 0..<n {
            let center = i + radius
            var sum = padded[center] * w[0]
            for j in stride(from: radius, through: 1, by: -1) {
                sum += (padded[center - j] + padded[center + j]) * w[j]
            }
            out[i] = sum
        }
    }

    /// Mode "reflect" for any offset: the pattern `a b c c b a` repeats with period 2n.
    private static func reflect(_ index: Int, _ n: Int) -> Int {
        let period = 2 * n
        var i = index % period
        if i < 0 { i += period }
        return i < n ? i : period - 1 - i
    }
}
