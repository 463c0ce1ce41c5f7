import EaselTensor
import EaselTestSupport
import Testing

/// `permute`, `transpose`, `concat`, `split` and `chunk` against torch (fixture shape_ops.safetensors).
/// They move elements without arithmetic, so every case must match exactly (tolerance 0, compared with
/// `==` on shape and elements).
@Suite struct ShapeOpTests {
    @Test func permuteAndTransposeMatchTorch() throws {
        let cases = try OpCases("shape_ops")
        var checked = 0
        for name in try cases.names {
            let out: Tensor
            if name.hasPrefix("permute_") {
                out = permute(try cases.tensor(name, "x"), try cases.ints(name, "order"))
            } else if name.hasPrefix("transpose_") {
                let axes = try cases.ints(name, "axes")
                out = transpose(try cases.tensor(name, "x"), axes[0], axes[1])
            } else {
                continue
            }
            #expect(out == (try cases.tensor(name, "out")), "\(name)")
            checked += 1
        }
        #expect(checked == 7)
    }

    @Test func concatMatchesTorch() throws {
        let cases = try OpCases("shape_ops")
        let names = try cases.names.filter { $0.hasPrefix("concat_") }
        #expect(names.count == 3)
        for name in names {
            let parts = try (0..<cases.int(name, "count")).map { try cases.tensor(name, "x\($0)") }
            #expect(concat(parts, axis: try cases.int(name, "axis")) == (try cases.tensor(name, "out")), "\(name)")
        }
    }

    @Test func splitAndChunkMatchTorch() throws {
        let cases = try OpCases("shape_ops")
        let names = try cases.names.filter { $0.hasPrefix("split_") || $0.hasPrefix("chunk_") }
        #expect(names.count == 5)
        for name in names {
            let x = try cases.tensor(name, "x")
            let axis = try cases.int(name, "axis")
            let pieces = name.hasPrefix("split_")
                ? split(x, sizes: try cases.ints(name, "sizes"), axis: axis)
                : chunk(x, count: try cases.int(name, "chunks"), axis: axis)
            let expected = try (0..<cases.int(name, "count")).map { try cases.tensor(name, "out\($0)") }
            #expect(pieces == expected, "\(name)")
        }
    }

    /// torch.chunk's rule: 5 in 4 chunks is 2, 2, 1 (three pieces); an empty axis gives `count` empty pieces.
    @Test func chunkFollowsTorchsSizeRule() {
        let x = Tensor(shape: [5], scalars: [0, 1, 2, 3, 4])
        #expect(chunk(x, count: 4, axis: 0).map(\.shape) == [[2], [2], [1]])
        #expect(chunk(Tensor(zeros: [2, 0]), count: 3, axis: 1).map(\.shape) == [[2, 0], [2, 0], [2, 0]])
    }

    /// Large layout changes run the tiled and row-copy loops over both cores; each element must land where
    /// the index arithmetic says: NCHW -> NHWC and [B, H, L, D] -> [B, L, H, D].
    @Test func largePermutesPlaceEveryElement() {
        let (n, c, h, w) = (2, 96, 40, 24)
        let x = Tensor(shape: [n, c, h, w]) { b in for i in b.indices { b[i] = Float(i) } }
        let nhwc = permute(x, [0, 2, 3, 1])
        #expect(nhwc.shape == [n, h, w, c])
        var ok = true
        for b in 0..<n { for y in 0..<h { for xx in 0..<w { for ch in 0..<c {
            let value = nhwc.scalars[((b * h + y) * w + xx) * c + ch]
            ok = ok && value == Float(((b * c + ch) * h + y) * w + xx)
        } } } }
        #expect(ok)
        #expect(permute(nhwc, [0, 3, 1, 2]) == x)
        let heads = permute(x, [0, 2, 1, 3])
        #expect(heads.shape == [n, h, c, w])
        #expect(heads.scalars[((1 * h + 7) * c + 5) * w + 3] == Float(((1 * c + 5) * h + 7) * w + 3))
        #expect(transpose(heads, 1, 2) == x)
    }
}
