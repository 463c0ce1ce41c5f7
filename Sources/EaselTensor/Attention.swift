/// Scaled dot-product attention, matching `torch.nn.functional.scaled_dot_product_attention`
/// (no mask, no dropout): `softmax(Q K^T * scale) V` for every matrix of the leading axes.
///
/// - Parameters:
///   - query: `[..., L, D]` (typically `[B, heads, L, D]`).
///   - key: `[..., S, D]`, same leading axes.
///   - value: `[..., S, Dv]`, same leading axes.
///   - causal: torch's `is_causal`: query `i` attends to keys `0...i` only (the top-left-aligned
///     lower-triangular mask `torch.ones(L, S).tril()`), as CLIP's text encoder does.
///   - scale: defaults to `1 / sqrt(D)`, as in torch.
/// - Returns: `[..., L, Dv]`.
///
/// Query rows are processed in blocks so that the score block stays at most `attentionScoreBudget`
/// floats (4 MB): SD's 4096 x 4096 self-attention never materialises its 64 MB score matrix per head.
/// Per block: one GEMM for the scores, a softmax per row, one GEMM for the weighted values.
public func scaledDotProductAttention(
    query: Tensor, key: Tensor, value: Tensor, causal: Bool = false, scale: Float? = nil
) -> Tensor {
    scaledDotProductAttention(
        query: query, key: key, value: value, causal: causal, scale: scale, scoreBudget: attentionScoreBudget)
}

/// `scaledDotProductAttention` with the score block's size limit as a parameter, so tests can force
/// many blocks (and a ragged last one) on small inputs.
func scaledDotProductAttention(
    query: Tensor, key: Tensor, value: Tensor, causal: Bool, scale: Float?, scoreBudget: Int
) -> Tensor {
    precondition(
        query.rank >= 2 && key.rank == query.rank && value.rank == query.rank,
        "scaledDotProductAttention: query \(query.shape), key \(key.shape), value \(value.shape) must be [..., len, dim] of one rank")
    let batchShape = Array(query.shape.dropLast(2))
    precondition(
        Array(key.shape.dropLast(2)) == batchShape && Array(value.shape.dropLast(2)) == batchShape,
        "scaledDotProductAttention: leading axes differ: \(query.shape), \(key.shape), \(value.shape)")
    let (queryCount, depth) = (query.shape[query.rank - 2], query.shape[query.rank - 1])
    let (keyCount, valueDepth) = (value.shape[value.rank - 2], value.shape[value.rank - 1])
    precondition(
        key.shape[key.rank - 2] == keyCount && key.shape[key.rank - 1] == depth,
        "scaledDotProductAttention: key \(key.shape) does not match query \(query.shape) and value \(value.shape)")
    let problem = AttentionProblem(
        queryCount: queryCount, keyCount: keyCount, depth: depth, valueDepth: valueDepth,
        scale: scale ?? 1 / Float(depth).squareRoot(), causal: causal, scoreBudget: scoreBudget)
    let batch = Tensor.elementCount(batchShape)

    return Tensor(shape: batchShape + [queryCount, valueDepth]) { output in
        query.withUnsafeBufferPointer { q in
            key.withUnsafeBufferPointer { k in
                value.withUnsafeBufferPointer { v in
                    problem.run(count: batch) { index in
                        AttentionOperands(
                            query: q.baseAddress! + index * queryCount * depth, queryStride: depth,
                            key: k.baseAddress! + index * keyCount * depth, keyStride: depth,
                            value: v.baseAddress! + index * keyCount * valueDepth, valueStride: valueDepth,
                            output: output.baseAddress! + index * queryCount * valueDepth, outputStride: valueDepth)
                    }
                }
            }
        }
    }
}

/// Multi-head attention on token-major tensors, what diffusers' `AttnProcessor2_0` does between the
/// `to_q`/`to_k`/`to_v` projections and `to_out`: split the channels into `heads` contiguous groups
/// (`x.view(B, L, heads, C / heads).transpose(1, 2)`), run `scaledDotProductAttention` per head with
/// scale `1 / sqrt(C / heads)`, and merge the heads back (`transpose(1, 2).reshape(B, L, C)`).
///
/// - Parameters:
///   - query: `[B, L, C]`.
///   - key: `[B, S, C]`.
///   - value: `[B, S, Cv]`.
///   - heads: number of heads; divides `C` and `Cv`.
///   - causal: as in `scaledDotProductAttention` (CLIP's text encoder).
/// - Returns: `[B, L, Cv]`.
///
/// The heads are read and written in place through row strides, so no transposed copies are made.
public func multiHeadAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false) -> Tensor {
    multiHeadAttention(
        query: query, key: key, value: value, heads: heads, causal: causal, scoreBudget: attentionScoreBudget)
}

/// `multiHeadAttention` with the score block's size limit as a parameter (for tests).
func multiHeadAttention(
    query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool, scoreBudget: Int
) -> Tensor {
    precondition(
        query.rank == 3 && key.rank == 3 && value.rank == 3,
        "multiHeadAttention: query \(query.shape), key \(key.shape), value \(value.shape) must be [B, len, channels]")
    let (batch, queryCount, channels) = (query.shape[0], query.shape[1], query.shape[2])
    let (keyCount, valueChannels) = (value.shape[1], value.shape[2])
    precondition(
        key.shape == [batch, keyCount, channels] && value.shape[0] == batch,
        "multiHeadAttention: key \(key.shape) and value \(value.shape) do not match query \(query.shape)")
    precondition(
        heads > 0 && channels % heads == 0 && valueChannels % heads == 0,
        "multiHeadAttention: \(channels) query and \(valueChannels) value channels do not split into \(heads) heads")
    let depth = channels / heads
    let valueDepth = valueChannels / heads
    let problem = AttentionProblem(
        queryCount: queryCount, keyCount: keyCount, depth: depth, valueDepth: valueDepth,
        scale: 1 / Float(depth).squareRoot(), causal: causal, scoreBudget: scoreBudget)

    return Tensor(shape: [batch, queryCount, valueChannels]) { output in
        query.withUnsafeBufferPointer { q in
            key.withUnsafeBufferPointer { k in
                value.withUnsafeBufferPointer { v in
                    problem.run(count: batch * heads) { index in
                        let (n, head) = index.quotientAndRemainder(dividingBy: heads)
                        return AttentionOperands(
                            query: q.baseAddress! + n * queryCount * channels + head * depth, queryStride: channels,
                            key: k.baseAddress! + n * keyCount * channels + head * depth, keyStride: channels,
                            value: v.baseAddress! + n * keyCount * valueChannels + head * valueDepth,
                            valueStride: valueChannels,
                            output: output.baseAddress! + n * queryCount * valueChannels + head * valueDepth,
                            outputStride: valueChannels)
                    }
                }
            }
        }
    }
}

/// Most floats one block of attention scores may hold: 4 Mi (16 MB), 1024 query rows against 4096 keys.
let attentionScoreBudget = 1 << 20

/// Where one head's matrices live: row `i` of each starts `i * stride` floats after its pointer.
struct AttentionOperands {
    var query: UnsafePointer<Float>
    var queryStride: Int
    var key: UnsafePointer<Float>
    var keyStride: Int
    var value: UnsafePointer<Float>
    var valueStride: Int
    var output: UnsafeMutablePointer<Float>
    var outputStride: Int
}

/// The sizes and options shared by every head of one attention call.
struct AttentionProblem {
    var queryCount: Int
    var keyCount: Int
    var depth: Int
    var valueDepth: Int
    var scale: Float
    var causal: Bool
    var scoreBudget: Int

    /// Query rows per block: as many as fit in the budget, at least one.
    var blockRows: Int { max(1, min(queryCount, scoreBudget / max(1, keyCount))) }

    /// Attends `count` heads, one after another (each large GEMM split over the cores by `sgemm`), reusing
    /// one score buffer.
    func run(count: Int, operands: (Int) -> AttentionOperands) {
        guard count > 0, queryCount > 0, valueDepth > 0 else { return }
        precondition(keyCount > 0 && depth > 0, "scaledDotProductAttention: no keys to attend to (S = \(keyCount), D = \(depth))")
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * keyCount)
        defer { scores.deallocate() }
        for index in 0..<count { attend(operands(index), scores: scores) }
    }

    /// One head, block by block of query rows.
    private func attend(_ head: AttentionOperands, scores: UnsafeMutablePointer<Float>) {
        for start in stride(from: 0, to: queryCount, by: blockRows) {
            let rows = min(blockRows, queryCount - start)
            // Under the causal mask no row of this block sees keys past its last row's index.
            let keys = causal ? min(keyCount, start + rows) : keyCount
            // scores = scale * Q[block] K^T
            sgemm(
                transposeB: true, m: rows, n: keys, k: depth, alpha: scale,
                a: head.query + start * head.queryStride, lda: head.queryStride,
                b: head.key, ldb: head.keyStride,
                c: scores, ldc: keys)
            let block = UncheckedSendable(scores)
            let (causal, blockStart) = (causal, start)
            Parallel.forEach(rows, grain: max(1, 4_096 / keys)) { range in
                for row in range {
                    let line = block.value + row * keys
                    let visible = causal ? min(keys, blockStart + row + 1) : keys
                    softmaxInPlace(line, count: visible)
                    (line + visible).update(repeating: 0, count: keys - visible)
                }
            }
            // out[block] = P V
            sgemm(
                m: rows, n: valueDepth, k: keys,
                a: scores, lda: keys,
                b: head.value, ldb: head.valueStride,
                c: head.output + start * head.outputStride, ldc: head.outputStride)
        }
    }
}
