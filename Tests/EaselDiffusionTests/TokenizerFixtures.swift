import EaselDiffusion
import EaselTestSupport
import Foundation

/// The fixtures `Tests/Reference/make_tokenizer_fixtures.py` writes for the Tokenizer and Prompt tests.
enum TokenizerFixtures {
    static let fixtures = FixtureFolder(.module, writtenBy: "make_tokenizer_fixtures.py")

    /// One tokenizer's reference: its special ids and the ids transformers gives for every prompt.
    struct Reference: Decodable {
        var bos: Int32
        var eos: Int32
        var pad: Int32
        var max_length: Int
        var cases: [Case]
    }

    struct Case: Decodable {
        var prompt: String
        /// `tokenizer(prompt, add_special_tokens=False).input_ids`.
        var ids: [Int32]
        /// `tokenizer(prompt, padding="max_length", max_length=77, truncation=True).input_ids` (fixed prompts only).
        var padded: [Int32]?
    }

    /// `sd15`, `sd2`, `small`, `small_json`.
    static func references() throws -> [String: Reference] {
        try fixtures.decodeJSON([String: Reference].self, from: "Tokenizer_cases.json")
    }

    /// The bundled vocabulary beside SD 2's configuration files (pad "!"), in a temporary folder.
    static func sd2Folder(in temporary: TemporaryFolder) throws -> URL {
        let folder = temporary.path("sd2-tokenizer")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (vocabulary, merges) = try CLIPTokenizer.bundledFiles()
        try FileManager.default.copyItem(at: vocabulary, to: folder.appendingPathComponent("vocab.json"))
        try FileManager.default.copyItem(at: merges, to: folder.appendingPathComponent("merges.txt"))
        for name in ["tokenizer_config.json", "special_tokens_map.json"] {
            try FileManager.default.copyItem(
                at: fixtures.url("Tokenizer_sd2_configs/" + name), to: folder.appendingPathComponent(name))
        }
        return folder
    }
}
