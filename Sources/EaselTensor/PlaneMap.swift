/// The loop the spatial ops (pooling, interpolation) share: each `H × W` plane of the input (the last two
/// axes) makes one `outHeight × outWidth` plane of the output, independently, so planes are split across
/// threads.
///
/// `body(src, dst)` fills one output plane from one input plane; it is called once per plane, so the pixel
/// loops inside it are compiled and vectorized as written. `grain` is the smallest number of planes worth
/// a thread. The output has `x`'s leading axes and `[outHeight, outWidth]`.
func mapPlanes(
    _ x: Tensor, outHeight: Int, outWidth: Int, grain: Int,
    _ body: (_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>) -> Void
) -> Tensor {
    let height = x.shape[x.rank - 2], width = x.shape[x.rank - 1]
    let planes = x.count / max(1, height * width)
    return Tensor(shape: x.shape.dropLast(2) + [outHeight, outWidth]) { out in
        let output = UncheckedSendable(out)
        x.withUnsafeBufferPointer { input in
            let source = UncheckedSendable(input)
            Parallel.forEach(planes, grain: grain) { range in
                for plane in range {
                    body(
                        source.value.baseAddress! + plane * height * width,
                        output.value.baseAddress! + plane * outHeight * outWidth)
                }
            }
        }
    }
}
