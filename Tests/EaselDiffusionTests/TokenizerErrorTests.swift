import EaselDiffusion
import EaselTestSupport
import Foundation
import Testing

/// A damaged tokenizer folder is a thrown error naming the file, never a crash.
@Suite struct TokenizerErrorTests {
    /// A copy of the small SD 1.x-layout folder, to damage.
    func smallCopy(_ temporary: TemporaryFolder) throws -> URL {
        let folder = temporary.path("tokenizer")
        try FileManager.default.copyItem(at: TokenizerFixtures.fixtures.url("Tokenizer_small"), to: folder)
        return folder
    }

    @Test(arguments: ["vocab.json", "merges.txt"])
    func missingTableIsNamed(file: String) throws {
        let temporary = try TemporaryFolder()
        let folder = try smallCopy(temporary)
        try FileManager.default.removeItem(at: folder.appendingPathComponent(file))
        #expect(throws: TokenizerError.missingFile(path: folder.appendingPathComponent(file).path)) {
            try CLIPTokenizer(contentsOf: folder)
        }
    }

    @Test(arguments: ["vocab.json", "tokenizer_config.json", "special_tokens_map.json"])
    func malformedJSONIsNamed(file: String) throws {
        let temporary = try TemporaryFolder()
        let folder = try smallCopy(temporary)
        try Data("{\"a\": 1,".utf8).write(to: folder.appendingPathComponent(file))
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(contentsOf: folder) }
        guard case .malformedFile(let path, _) = error else {
            Issue.record("expected malformedFile, got \(error)")
            return
        }
        #expect(path == folder.appendingPathComponent(file).path)
        #expect(error.description.contains(file))
    }

    @Test func vocabularyOfTheWrongShapeIsNamed() throws {
        let temporary = try TemporaryFolder()
        let folder = try smallCopy(temporary)
        try Data(#"{"a": "one"}"#.utf8).write(to: folder.appendingPathComponent("vocab.json"))
        #expect(throws: TokenizerError.malformedFile(
            path: folder.appendingPathComponent("vocab.json").path, reason: "the id of 'a' is not a non-negative integer")
        ) { try CLIPTokenizer(contentsOf: folder) }
        try Data("[1, 2]".utf8).write(to: folder.appendingPathComponent("vocab.json"))
        #expect(throws: TokenizerError.malformedFile(
            path: folder.appendingPathComponent("vocab.json").path, reason: "expected a JSON object")
        ) { try CLIPTokenizer(contentsOf: folder) }
    }

    @Test func badMergeLineIsNamed() throws {
        let temporary = try TemporaryFolder()
        let folder = try smallCopy(temporary)
        let merges = folder.appendingPathComponent("merges.txt")
        // Line 3 (after "#version" and one good merge) has three symbols.
        try Data("#version: 0.2\ni n\nt h e\n".utf8).write(to: merges)
        #expect(throws: TokenizerError.badMerge(
            path: merges.path, line: 3, reason: "expected two symbols separated by a space, found 't h e'")
        ) { try CLIPTokenizer(contentsOf: folder) }
        // A merge of symbols the vocabulary lacks.
        try Data("#version: 0.2\nq \u{4E2D}\n".utf8).write(to: merges)
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(contentsOf: folder) }
        #expect(error.description.contains("merges.txt, line 2"))
    }

    @Test func emptyFolderNamesVocabJSON() throws {
        let temporary = try TemporaryFolder()
        #expect(throws: TokenizerError.missingFile(path: temporary.path("vocab.json").path)) {
            try CLIPTokenizer(contentsOf: temporary.url)
        }
    }

    /// transformers saves "unlimited" as 1e30, which the max_length padding cannot use: it reads as 77. A length
    /// without room for bos and eos is an error naming the config.
    @Test func modelMaxLength() throws {
        let temporary = try TemporaryFolder()
        let folder = try smallCopy(temporary)
        let config = folder.appendingPathComponent("tokenizer_config.json")
        try Data(#"{"model_max_length": 1000000000000000019884624838656}"#.utf8).write(to: config)
        #expect(try CLIPTokenizer(contentsOf: folder).maxLength == 77)
        try Data(#"{"model_max_length": 16}"#.utf8).write(to: config)
        #expect(try CLIPTokenizer(contentsOf: folder).paddedIDs("a cat").count == 16)
        try Data(#"{"model_max_length": 1}"#.utf8).write(to: config)
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(contentsOf: folder) }
        #expect(error.description.contains("tokenizer_config.json"))
    }
}
