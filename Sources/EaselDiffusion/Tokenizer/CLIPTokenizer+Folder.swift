import Foundation

extension CLIPTokenizer {
    /// Reads a diffusers `tokenizer/` folder (or the `tokenizer/` of a pipeline folder when `url` holds a
    /// `model_index.json`), as `CLIPTokenizer.from_pretrained` does in transformers 5.23:
    /// - the tables from `tokenizer.json` when the folder has one (what transformers 5 writes and prefers),
    ///   otherwise from `vocab.json` and `merges.txt` (published SD 1.x/2.x folders);
    /// - `bos_token`, `eos_token`, `unk_token`, `pad_token` and `model_max_length` from `tokenizer_config.json`,
    ///   then `special_tokens_map.json` for those it lacks; CLIP's defaults for the rest (`<|startoftext|>`,
    ///   `<|endoftext|>`). SD 2 folders name `!` as the pad token, which is id 0.
    /// A missing `model_max_length` is taken as 77 (transformers would take "unlimited", which the
    /// `padding="max_length"` call cannot use).
    public init(contentsOf url: URL, subfolder: String = "tokenizer") throws {
        let folder = ComponentFolder.resolving(url, subfolder: subfolder)
        let file = { (name: String) in folder.appendingPathComponent(name) }
        let exists = { (name: String) in FileManager.default.fileExists(atPath: file(name).path) }

        let config = exists("tokenizer_config.json") ? try Self.jsonObject(file("tokenizer_config.json")) : [:]
        let map = exists("special_tokens_map.json") ? try Self.jsonObject(file("special_tokens_map.json")) : [:]
        func special(_ key: String) throws -> SpecialToken? {
            if let value = config[key], !(value is NSNull) { return try Self.specialToken(value, key: key, in: file("tokenizer_config.json")) }
            if let value = map[key], !(value is NSNull) { return try Self.specialToken(value, key: key, in: file("special_tokens_map.json")) }
            return nil
        }

        var addedTokens = try Self.addedTokensDecoder(config["added_tokens_decoder"], in: file("tokenizer_config.json"))
        let vocabulary: [String: Int32]
        let merges: [(left: String, right: String, line: Int)]
        let mergesSource: String
        if exists("tokenizer.json") {
            let json = try Self.jsonObject(file("tokenizer.json"))
            (vocabulary, merges) = try Self.tables(fromTokenizerJSON: json, in: file("tokenizer.json"))
            mergesSource = file("tokenizer.json").path
            addedTokens = try Self.addedTokens(json["added_tokens"], in: file("tokenizer.json")) + addedTokens
        } else {
            vocabulary = try Self.vocabulary(file("vocab.json"))
            merges = try Self.merges(file("merges.txt"))
            mergesSource = file("merges.txt").path
        }
        var maxLength = 77
        if let value = config["model_max_length"] as? NSNumber, value.doubleValue <= Double(Int32.max) {
            // Saved "unlimited" (1e30) reads as 77 too, for the reason above.
            maxLength = value.intValue
            guard maxLength >= 2 else {
                throw TokenizerError.malformedFile(
                    path: file("tokenizer_config.json").path,
                    reason: "model_max_length \(maxLength) leaves no room for the start and end tokens")
            }
        }
        try self.init(
            vocabulary: vocabulary, merges: merges, mergesSource: mergesSource, addedTokens: addedTokens,
            bos: special("bos_token") ?? SpecialToken("<|startoftext|>"),
            eos: special("eos_token") ?? SpecialToken("<|endoftext|>"),
            unknown: special("unk_token") ?? SpecialToken("<|endoftext|>"),
            pad: special("pad_token") ?? SpecialToken("<|endoftext|>"),
            maxLength: maxLength)
    }

    /// The SD 1.x tokenizer (OpenAI CLIP's vocabulary, shipped with Easel for single-file checkpoints, which
    /// carry none): bos 49406, eos = pad = 49407, length 77, the special tokens as SD 1.5's
    /// `tokenizer_config.json` gives them. Read once and shared.
    public static func bundled() throws -> CLIPTokenizer { try bundledTokenizer.get() }

    private static let bundledTokenizer = Result<CLIPTokenizer, any Error> {
        let (vocab, mergesFile) = try bundledFiles()
        // SD 1.5's tokenizer_config.json: bos, eos, unk as AddedToken dicts with normalized true, pad the plain
        // string "<|endoftext|>", which (added last) leaves <|endoftext|> matched in the raw text.
        return try CLIPTokenizer(
            vocabulary: vocabulary(vocab), merges: merges(mergesFile), mergesSource: mergesFile.path, addedTokens: [],
            bos: SpecialToken("<|startoftext|>", normalized: true), eos: SpecialToken("<|endoftext|>", normalized: true),
            unknown: SpecialToken("<|endoftext|>", normalized: true), pad: SpecialToken("<|endoftext|>"), maxLength: 77)
    }

    // MARK: Files

    static func data(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TokenizerError.missingFile(path: url.path) }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TokenizerError.malformedFile(path: url.path, reason: "cannot read it: \(error.localizedDescription)")
        }
    }

    static func jsonObject(_ url: URL) throws -> [String: Any] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data(url), options: [.fragmentsAllowed])
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw TokenizerError.malformedFile(path: url.path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw TokenizerError.malformedFile(path: url.path, reason: "expected a JSON object")
        }
        return dictionary
    }

    /// `vocab.json`: an object of token -> integer id.
    static func vocabulary(_ url: URL) throws -> [String: Int32] {
        try vocabulary(from: jsonObject(url), in: url)
    }

    static func vocabulary(from object: [String: Any], in url: URL) throws -> [String: Int32] {
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(object.count)
        for (token, value) in object {
            guard let number = value as? NSNumber, let id = Int32(exactly: number.doubleValue), id >= 0 else {
                throw TokenizerError.malformedFile(path: url.path, reason: "the id of '\(token)' is not a non-negative integer")
            }
            vocabulary[token] = id
        }
        return vocabulary
    }

    /// `merges.txt`, as tokenizers reads it: lines starting `#version` are skipped, every other line must be
    /// two symbols separated by one space; the rank is the order. A final newline ends the last line.
    static func merges(_ url: URL) throws -> [(left: String, right: String, line: Int)] {
        guard let text = String(data: try data(url), encoding: .utf8) else {
            throw TokenizerError.malformedFile(path: url.path, reason: "not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var merges: [(left: String, right: String, line: Int)] = []
        merges.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.badMerge(path: url.path, line: index + 1, reason: "expected two symbols separated by a space, found '\(line)'")
            }
            merges.append((String(parts[0]), String(parts[1]), index + 1))
        }
        return merges
    }

    /// `model.vocab` and `model.merges` of a `tokenizer.json` (merges as "a b" strings or [a, b] pairs).
    static func tables(fromTokenizerJSON json: [String: Any], in url: URL) throws
        -> ([String: Int32], [(left: String, right: String, line: Int)])
    {
        guard let model = json["model"] as? [String: Any], let vocab = model["vocab"] as? [String: Any] else {
            throw TokenizerError.malformedFile(path: url.path, reason: "no model.vocab object")
        }
        guard let list = model["merges"] as? [Any] else {
            throw TokenizerError.malformedFile(path: url.path, reason: "no model.merges list")
        }
        let merges = try list.enumerated().map { index, entry -> (left: String, right: String, line: Int) in
            if let string = entry as? String {
                let parts = string.split(separator: " ", omittingEmptySubsequences: false)
                if parts.count == 2 { return (String(parts[0]), String(parts[1]), index + 1) }
            } else if let pair = entry as? [String], pair.count == 2 {
                return (pair[0], pair[1], index + 1)
            }
            throw TokenizerError.badMerge(path: url.path, line: index + 1, reason: "model.merges[\(index)] is not a pair of symbols")
        }
        return (try vocabulary(from: vocab, in: url), merges)
    }

    /// `added_tokens` of a `tokenizer.json`: `[{"id", "content", "normalized", ...}]`.
    static func addedTokens(_ value: Any?, in url: URL) throws -> [AddedToken] {
        guard let list = value as? [Any] else { return [] }
        return try list.map { entry in
            guard let token = entry as? [String: Any], let content = token["content"] as? String,
                let id = (token["id"] as? NSNumber).flatMap({ Int32(exactly: $0.doubleValue) })
            else {
                throw TokenizerError.malformedFile(path: url.path, reason: "an added_tokens entry lacks content or id")
            }
            return AddedToken(content: content, id: id, normalized: (token["normalized"] as? Bool) ?? false)
        }
    }

    /// `added_tokens_decoder` of a `tokenizer_config.json`: `{"49406": {"content", "normalized", ...}}`, by id.
    static func addedTokensDecoder(_ value: Any?, in url: URL) throws -> [AddedToken] {
        guard let table = value as? [String: Any] else { return [] }
        return try table.compactMap { key, entry -> AddedToken? in
            guard let id = Int32(key), let token = entry as? [String: Any], let content = token["content"] as? String else {
                throw TokenizerError.malformedFile(path: url.path, reason: "added_tokens_decoder entry '\(key)' is not an id with a content")
            }
            return AddedToken(content: content, id: id, normalized: (token["normalized"] as? Bool) ?? false)
        }.sorted { $0.id < $1.id }
    }

    /// A special token as a config gives it: a plain string (matched raw) or an `AddedToken` dict.
    static func specialToken(_ value: Any, key: String, in url: URL) throws -> SpecialToken {
        if let content = value as? String { return SpecialToken(content) }
        if let dict = value as? [String: Any], let content = dict["content"] as? String {
            // AddedToken's own default: normalized unless special (these dicts do not say special).
            return SpecialToken(content, normalized: (dict["normalized"] as? Bool) ?? true)
        }
        throw TokenizerError.malformedFile(path: url.path, reason: "\(key) is neither a string nor a token object")
    }
}

extension CLIPTokenizer {
    /// The shipped `vocab.json` and `merges.txt` (OpenAI CLIP's tables), e.g. to write a `tokenizer/` folder.
    public static func bundledFiles() throws -> (vocabulary: URL, merges: URL) {
        guard let vocabulary = Bundle.module.url(forResource: "Resources/clip/vocab", withExtension: "json") else {
            throw TokenizerError.missingFile(path: "Resources/clip/vocab.json (EaselDiffusion bundle)")
        }
        guard let merges = Bundle.module.url(forResource: "Resources/clip/merges", withExtension: "txt") else {
            throw TokenizerError.missingFile(path: "Resources/clip/merges.txt (EaselDiffusion bundle)")
        }
        return (vocabulary, merges)
    }
}
