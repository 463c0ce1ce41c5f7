import EaselDiffusion
import EaselTestSupport
import Foundation
import Testing

/// `CLIPTokenizer` against transformers 5.23 `CLIPTokenizer.from_pretrained` (the tokenizers-backed class that
/// diffusers 0.42.1 loads) on a varied prompt set and random strings: ids must be equal, exactly.
/// (Checked once more, outside the suite, on 3,000 random strings per tokenizer: no difference.)
@Suite struct TokenizerParityTests {
    /// Compares both calls on every prompt; reports the first prompts that differ.
    func check(_ tokenizer: CLIPTokenizer, against reference: TokenizerFixtures.Reference, name: String) {
        #expect(tokenizer.bosTokenID == reference.bos, "\(name) bos")
        #expect(tokenizer.eosTokenID == reference.eos, "\(name) eos")
        #expect(tokenizer.padTokenID == reference.pad, "\(name) pad")
        #expect(tokenizer.maxLength == reference.max_length, "\(name) model_max_length")
        // 25 chosen prompts (with the padded call) and 150 random strings.
        #expect(reference.cases.count == 175, "\(name): every prompt of the script")
        #expect(reference.cases.filter { $0.padded != nil }.count == 25)
        for item in reference.cases {
            #expect(tokenizer.encode(item.prompt) == item.ids, "\(name): \(item.prompt.debugDescription)")
            if let padded = item.padded {
                #expect(tokenizer.paddedIDs(item.prompt) == padded, "\(name) padded: \(item.prompt.debugDescription)")
            }
        }
    }

    /// The shipped vocabulary with SD 1.5's special tokens: bos 49406, eos = pad = 49407, 77.
    @Test func bundledMatchesSD15() throws {
        let reference = try #require(try TokenizerFixtures.references()["sd15"])
        let tokenizer = try CLIPTokenizer.bundled()
        #expect(tokenizer.bosTokenID == 49406 && tokenizer.eosTokenID == 49407 && tokenizer.padTokenID == 49407)
        check(tokenizer, against: reference, name: "sd15")
    }

    /// SD 2's folder: pad "!" = id 0, which transformers 5 also adds as a special token matched in the raw
    /// text, so every "!" of a prompt is id 0 (not merged into "!!!").
    @Test func sd2FolderPadsWithExclamationMark() throws {
        let temporary = try TemporaryFolder()
        let reference = try #require(try TokenizerFixtures.references()["sd2"])
        let tokenizer = try CLIPTokenizer(contentsOf: TokenizerFixtures.sd2Folder(in: temporary))
        #expect(tokenizer.padTokenID == 0)
        check(tokenizer, against: reference, name: "sd2")
    }

    /// A cut-down vocabulary (characters outside it become the unknown token) in both folder layouts:
    /// vocab.json + merges.txt (SD 1.x) and tokenizer.json (transformers 5 `save_pretrained`).
    @Test(arguments: ["small", "small_json"])
    func smallFolderMatches(name: String) throws {
        let reference = try #require(try TokenizerFixtures.references()[name])
        let folder = try TokenizerFixtures.fixtures.url(name == "small" ? "Tokenizer_small" : "Tokenizer_small_json")
        check(try CLIPTokenizer(contentsOf: folder), against: reference, name: name)
    }

    /// A pipeline folder (model_index.json) reads its tokenizer/ subfolder.
    @Test func readsThePipelineTokenizerSubfolder() throws {
        let temporary = try TemporaryFolder()
        try FileManager.default.copyItem(
            at: TokenizerFixtures.fixtures.url("Tokenizer_small"), to: temporary.path("tokenizer"))
        try temporary.write(#"{"_class_name": "StableDiffusionPipeline"}"#, to: "model_index.json")
        let tokenizer = try CLIPTokenizer(contentsOf: temporary.url)
        #expect(tokenizer.vocabularySize == 914)
    }
}
