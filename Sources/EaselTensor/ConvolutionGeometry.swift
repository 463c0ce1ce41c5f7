/// The spatial arithmetic of a 2-D convolution window, shared by `conv2d` (im2col and the depthwise loop)
/// and `convTranspose2d` (col2im), so the two agree on which input pixel each tap reads.
///
/// "Input" and "output" are those of the forward convolution: output pixel `(oy, ox)` at kernel tap
/// `(ky, kx)` reads input pixel `(oy * strideY - paddingY + ky * dilationY, ox * strideX - paddingX + kx * dilationX)`,
/// and taps falling outside the input read zero padding. A transposed convolution is the adjoint of
/// this map: its input is the forward output grid and it scatters into the forward input grid.
struct ConvolutionGeometry {
    var inputHeight: Int
    var inputWidth: Int
    var kernelHeight: Int
    var kernelWidth: Int
    var strideY: Int
    var strideX: Int
    var paddingY: Int
    var paddingX: Int
    var dilationY: Int
    var dilationX: Int

    /// The output grid: by default `floor((in + 2 p - d (k - 1) - 1) / s) + 1` per axis, as
    /// `torch.nn.Conv2d` documents. A transposed convolution sets it to its own input's extent.
    var outputHeight: Int
    var outputWidth: Int

    init(
        inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int,
        strideY: Int, strideX: Int, paddingY: Int, paddingX: Int, dilationY: Int, dilationX: Int
    ) {
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideY = strideY
        self.strideX = strideX
        self.paddingY = paddingY
        self.paddingX = paddingX
        self.dilationY = dilationY
        self.dilationX = dilationX
        outputHeight = Self.outputExtent(inputHeight, kernelHeight, strideY, paddingY, dilationY)
        outputWidth = Self.outputExtent(inputWidth, kernelWidth, strideX, paddingX, dilationX)
    }

    var kernelArea: Int { kernelHeight * kernelWidth }

    /// Checks the hyper-parameters a caller passed, so that a bad stride fails here with a message
    /// rather than as an index error deep inside a loop.
    func validate(_ op: String) {
        precondition(kernelHeight > 0 && kernelWidth > 0, "\(op): empty kernel \(kernelHeight)x\(kernelWidth)")
        precondition(strideY > 0 && strideX > 0, "\(op): stride must be positive, got (\(strideY), \(strideX))")
        precondition(dilationY > 0 && dilationX > 0, "\(op): dilation must be positive, got (\(dilationY), \(dilationX))")
        precondition(paddingY >= 0 && paddingX >= 0, "\(op): padding must be non-negative, got (\(paddingY), \(paddingX))")
    }

    static func outputExtent(_ input: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ dilation: Int) -> Int {
        let span = input + 2 * padding - dilation * (kernel - 1) - 1
        return span < 0 || stride <= 0 ? 0 : span / stride + 1
    }

    /// Offset added to `oy * strideY` to get the input row read by kernel row `ky`.
    @inline(__always) func rowOffset(ky: Int) -> Int { ky * dilationY - paddingY }
    /// Offset added to `ox * strideX` to get the input column read by kernel column `kx`.
    @inline(__always) func columnOffset(kx: Int) -> Int { kx * dilationX - paddingX }

    /// The output rows whose tap in kernel row `ky` reads inside the input (the others read padding).
    @inline(__always) func validOutputRows(ky: Int) -> Range<Int> {
        Self.validRange(offset: rowOffset(ky: ky), stride: strideY, input: inputHeight, output: outputHeight)
    }

    /// The output columns whose tap in kernel column `kx` reads inside the input.
    @inline(__always) func validOutputColumns(kx: Int) -> Range<Int> {
        Self.validRange(offset: columnOffset(kx: kx), stride: strideX, input: inputWidth, output: outputWidth)
    }

    /// `{ o in 0..<output : 0 <= o * stride + offset < input }`, which is contiguous.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, input: Int, output: Int) -> Range<Int> {
        // Smallest o with o * stride + offset >= 0, i.e. ceil(-offset / stride) for negative offsets.
        let lower = offset >= 0 ? 0 : (stride - 1 - offset) / stride
        // One past the largest o with o * stride + offset <= input - 1.
        let last = input - 1 - offset
        let upper = last < 0 ? 0 : last / stride + 1
        let lo = min(lower, output)
        return lo..<max(lo, min(upper, output))
    }
}
