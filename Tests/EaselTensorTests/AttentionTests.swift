@testable import EaselTensor
import Testing

/// `scaledDotProductAttention` and `multiHeadAttention` against
/// `torch.nn.functional.scaled_dot_product_attention` (float64 reference): SD self-attention (1024
/// tokens, 8 heads of 40), 4096 keys, cross-attention to 77 text tokens, CLIP's causal attention, and
/// query blocks that do not divide the query count.
@Suite struct AttentionTests {
    /// Two float32 GEMMs (over D, then over up to 4096 keys) and a softmax in between. For scale:
    /// torch's own float32 SDPA misses these float64 references by up to 2.6e-6 (self_4096_d8).
    static let tolerance: Float = 4e-6

    @Test(arguments: [
        "self_1024_8x40", "self_4096_d8", "cross_256x77_2x64", "clip_causal_77_12x64", "ragged_blocks",
        "causal_ragged_rectangular", "explicit_scale_rank3", "multihead_value_width_ragged",
    ])
    func matchesTorch(_ name: String) throws {
        let c = try GEMMOpCase("attention.safetensors", name)
        let seed = try c.int("seed")
        let query = GEMMOpInputs.uniform(try c.ints("query"), seed: seed, scale: try c.float("q_scale"))
        let key = GEMMOpInputs.uniform(try c.ints("key"), seed: seed + 1)
        let value = GEMMOpInputs.uniform(try c.ints("value"), seed: seed + 2)
        let causal = try c.flag("causal")
        let budget = try c.int("score_budget")
        let output: Tensor
        if try c.string("kind") == "multihead" {
            let heads = try c.int("heads")
            output =
                budget == 0
                ? multiHeadAttention(query: query, key: key, value: value, heads: heads, causal: causal)
                : multiHeadAttention(
                    query: query, key: key, value: value, heads: heads, causal: causal, scoreBudget: budget)
        } else {
            let scaleText = try c.string("scale")
            let scale = scaleText == "default" ? nil : Float(scaleText)
            output =
                budget == 0
                ? scaledDotProductAttention(query: query, key: key, value: value, causal: causal, scale: scale)
                : scaledDotProductAttention(
                    query: query, key: key, value: value, causal: causal, scale: scale, scoreBudget: budget)
        }
        try c.expectMatch(output, tolerance: Self.tolerance)
    }

    /// Splitting a [B, L, C] tensor into heads by hand and calling the 4-D op gives the same result as
    /// `multiHeadAttention` (the same kernel through different strides), bit for bit.
    @Test func multiHeadEqualsSplitHeads() {
        let (batch, length, heads, depth) = (2, 9, 3, 4)
        let q = GEMMOpInputs.uniform([batch, length, heads * depth], seed: 11)
        let k = GEMMOpInputs.uniform([batch, length, heads * depth], seed: 12)
        let v = GEMMOpInputs.uniform([batch, length, heads * depth], seed: 13)
        func split(_ x: Tensor) -> Tensor {
            Tensor(shape: [batch, heads, length, depth]) { out in
                for n in 0..<batch { for h in 0..<heads { for l in 0..<length { for d in 0..<depth {
                    out[((n * heads + h) * length + l) * depth + d] = x.scalars[(n * length + l) * heads * depth + h * depth + d]
                } } } }
            }
        }
        let merged = multiHeadAttention(query: q, key: k, value: v, heads: heads, causal: true)
        let perHead = scaledDotProductAttention(query: split(q), key: split(k), value: split(v), causal: true)
        #expect(split(merged) == perHead)
    }
}
