import EaselDiffusion
import EaselTestSupport
import Foundation

/// The Prompt fixtures of `Tests/Reference/make_tokenizer_fixtures.py`.
enum PromptFixtures {
    static let fixtures = TokenizerFixtures.fixtures

    /// One prompt of `Prompt_attention.json`: A1111's `parse_prompt_attention` result, or the error it raised.
    struct AttentionCase: Decodable {
        var prompt: String
        var texts: [String]?
        var weights: [Double]?
        var error: String?
        /// `tokenize_line`'s chunks with the small tokenizer (the fixed prompts and 50 random ones).
        var chunks: [Chunk]?
    }

    struct Chunk: Decodable {
        var tokens: [Int32]
        var multipliers: [Double]
    }

    /// One case of `Prompt_cases.json`; its embeddings are `<name>.<syntax>.positive/negative` in
    /// `Prompt_embeddings.safetensors`.
    struct EncoderCase: Decodable {
        var name: String
        /// "small" (SD 1.x configs) or "small_sd2" (the same tables with SD 2's pad "!").
        var tokenizer: String
        var prompt: String
        var negative_prompt: String
        var clip_skip: Int
        var chunks: [Chunk]
        var negative_chunks: [Chunk]
    }

    static func attentionCases() throws -> [AttentionCase] {
        try fixtures.decodeJSON([AttentionCase].self, from: "Prompt_attention.json")
    }

    static func encoderCases() throws -> [EncoderCase] {
        try fixtures.decodeJSON([EncoderCase].self, from: "Prompt_cases.json")
    }

    static func embeddings() throws -> ReferenceFixture {
        try ReferenceFixture("Prompt_embeddings.safetensors", in: .module)
    }

    /// The tokenizer a case names; "small_sd2" is written to `temporary` (the small tables + SD 2 configs).
    static func tokenizer(_ kind: String, in temporary: TemporaryFolder) throws -> CLIPTokenizer {
        let small = try fixtures.url("Tokenizer_small")
        guard kind == "small_sd2" else { return try CLIPTokenizer(contentsOf: small) }
        let folder = temporary.path("small_sd2")
        if FileManager.default.fileExists(atPath: folder.path) { return try CLIPTokenizer(contentsOf: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["vocab.json", "merges.txt"] {
            try FileManager.default.copyItem(at: small.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        for name in ["tokenizer_config.json", "special_tokens_map.json"] {
            try FileManager.default.copyItem(
                at: fixtures.url("Tokenizer_sd2_configs/" + name), to: folder.appendingPathComponent(name))
        }
        return try CLIPTokenizer(contentsOf: folder)
    }

    static func textModel() throws -> CLIPTextModel {
        try CLIPTextModel(contentsOf: fixtures.url("Prompt_text_encoder"))
    }
}
