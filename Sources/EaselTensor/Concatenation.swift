/// Joining and cutting tensors along one axis: `torch.cat`, `torch.split`, `torch.chunk`.
///
/// In row-major order an axis splits the elements into `outer` blocks (the axes before it), each holding
/// `extent × inner` contiguous elements, so every piece is a strided sequence of contiguous block copies.

/// `torch.cat(tensors, dim=axis)`: all tensors have the same rank and agree on every extent but `axis`.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat needs at least one tensor")
    let first = tensors[0]
    let a = first.normalizedAxis(axis)
    for t in tensors {
        precondition(
            t.rank == first.rank && t.shape.indices.allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
            "concat along \(axis): \(t.shape) does not match \(first.shape)")
    }
    if tensors.count == 1 { return first }
    let outer = Tensor.elementCount(Array(first.shape[..<a]))
    let inner = Tensor.elementCount(Array(first.shape[(a + 1)...]))
    let blocks = tensors.map { $0.shape[a] * inner }
    let rowLength = blocks.reduce(0, +)
    var shape = first.shape
    shape[a] = tensors.reduce(0) { $0 + $1.shape[a] }

    return Tensor(shape: shape) { out in
        var offset = 0
        for (t, block) in zip(tensors, blocks) {
            t.withUnsafeBufferPointer { src in
                guard block > 0, let s = src.baseAddress, let d = out.baseAddress else { return }
                for o in 0..<outer {
                    (d + o * rowLength + offset).update(from: s + o * block, count: block)
                }
            }
            offset += block
        }
    }
}

/// `torch.split(x, sizes, dim=axis)`: consecutive pieces of the given extents, which must sum to the
/// extent of `axis`.
public func split(_ x: Tensor, sizes: [Int], axis: Int) -> [Tensor] {
    let a = x.normalizedAxis(axis)
    precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == x.shape[a],
                 "split: sizes \(sizes) do not add up to extent \(x.shape[a]) of axis \(axis) in \(x.shape)")
    let outer = Tensor.elementCount(Array(x.shape[..<a]))
    let inner = Tensor.elementCount(Array(x.shape[(a + 1)...]))
    let rowLength = x.shape[a] * inner
    var start = 0
    return x.withUnsafeBufferPointer { src in
        sizes.map { size in
            var shape = x.shape
            shape[a] = size
            let block = size * inner
            let piece = Tensor(shape: shape) { out in
                guard block > 0, let s = src.baseAddress, let d = out.baseAddress else { return }
                for o in 0..<outer {
                    (d + o * block).update(from: s + o * rowLength + start, count: block)
                }
            }
            start += block
            return piece
        }
    }
}

/// `torch.chunk(x, count, dim=axis)`: pieces of `ceil(n / count)` along the axis, the last one smaller,
/// so there may be fewer than `count` pieces (torch's rule: 5 in 4 chunks gives 2, 2, 1). An empty axis
/// gives `count` empty pieces, as in torch.
public func chunk(_ x: Tensor, count: Int, axis: Int) -> [Tensor] {
    precondition(count > 0, "chunk: count must be positive")
    let extent = x.shape[x.normalizedAxis(axis)]
    guard extent > 0 else { return [Tensor](repeating: x, count: count) }
    let size = (extent + count - 1) / count
    let sizes = stride(from: 0, to: extent, by: size).map { min(size, extent - $0) }
    return split(x, sizes: sizes, axis: axis)
}
