/// The CLIP BPE tokenizer as diffusers' `StableDiffusionPipeline` uses it with transformers 5.23, whose
/// `CLIPTokenizer` is the tokenizers-backed class (`TokenizersBackend`):
/// added (special) tokens are cut out first, the rest is normalized (`CLIPNormalizer`: NFC, white space, lower
/// case; no ftfy, which that class never calls), cut into words (`CLIPPreTokenizer`), each word's UTF-8 written
/// in GPT-2's byte alphabet and encoded by BPE with `</w>` (`BytePairModel`).
///
/// `encode(_:)` is `tokenizer(text, add_special_tokens=False).input_ids`; `paddedIDs(_:)` is the call
/// `encode_prompt` makes: `tokenizer(text, padding="max_length", max_length=model_max_length,
/// truncation=True)`, i.e. `[bos] + ids[:75] + [eos]` padded with the pad id to 77.
public struct CLIPTokenizer: Sendable {
    /// `<|startoftext|>` (49406 in CLIP's vocabulary).
    public let bosTokenID: Int32
    /// `<|endoftext|>` (49407).
    public let eosTokenID: Int32
    /// SD 1.x: `<|endoftext|>` (49407); SD 2.x: `!` (0).
    public let padTokenID: Int32
    /// `model_max_length`: the padded length (SD: 77).
    public let maxLength: Int
    /// The added tokens, in the order they were added.
    public let addedTokens: [AddedToken]

    let model: BytePairModel
    private let rawTokens: AddedTokenSplitter
    private let normalizedTokens: AddedTokenSplitter

    /// The special tokens of a tokenizer, with how each was given: transformers 5 adds a plain string as
    /// a special token matched in the raw text, an `AddedToken` dict with its own `normalized` flag.
    public struct SpecialToken: Sendable, Equatable {
        public var content: String
        public var normalized: Bool

        public init(_ content: String, normalized: Bool = false) {
            self.content = content
            self.normalized = normalized
        }
    }

    /// Builds a tokenizer from its tables.
    /// - Parameters:
    ///   - vocabulary: token -> id (`vocab.json`).
    ///   - merges: the merge rules in rank order (`merges.txt` without its `#version` line).
    ///   - addedTokens: tokens a `tokenizer.json` or `added_tokens_decoder` lists, before the special tokens.
    ///   - bos, eos, unknown, pad: the special tokens; added in this order, a later one overriding the
    ///     `normalized` flag of an earlier one with the same content (as transformers' `_post_init`).
    ///   - maxLength: `model_max_length`.
    public init(
        vocabulary: [String: Int32], merges: [(String, String)], addedTokens: [AddedToken] = [],
        bos: SpecialToken = SpecialToken("<|startoftext|>"), eos: SpecialToken = SpecialToken("<|endoftext|>"),
        unknown: SpecialToken = SpecialToken("<|endoftext|>"), pad: SpecialToken = SpecialToken("<|endoftext|>"),
        maxLength: Int = 77
    ) throws {
        try self.init(
            vocabulary: vocabulary,
            merges: merges.enumerated().map { ($0.element.0, $0.element.1, $0.offset + 1) }, mergesSource: "merges",
            addedTokens: addedTokens, bos: bos, eos: eos, unknown: unknown, pad: pad, maxLength: maxLength)
    }

    init(
        vocabulary: [String: Int32], merges: [(left: String, right: String, line: Int)], mergesSource: String,
        addedTokens: [AddedToken], bos: SpecialToken, eos: SpecialToken, unknown: SpecialToken, pad: SpecialToken,
        maxLength: Int
    ) throws {
        var added = addedTokens
        var nextID = (vocabulary.values.max() ?? -1) + 1
        for token in added { nextID = max(nextID, token.id + 1) }
        // transformers' `_post_init`: each named special token is (re)added; one already added keeps its id and
        // takes the new `normalized` flag, a new one takes its vocabulary id or the next free id.
        var ids: [Int32] = []
        for special in [bos, eos, unknown, pad] {
            if let index = added.firstIndex(where: { $0.content == special.content }) {
                added[index].normalized = special.normalized
                ids.append(added[index].id)
            } else {
                let id = vocabulary[special.content] ?? nextID
                if id == nextID { nextID += 1 }
                added.append(AddedToken(content: special.content, id: id, normalized: special.normalized))
                ids.append(id)
            }
        }
        (bosTokenID, eosTokenID, padTokenID) = (ids[0], ids[1], ids[3])
        self.maxLength = maxLength
        self.addedTokens = added
        model = try BytePairModel(
            vocabulary: vocabulary, merges: merges, mergesSource: mergesSource, unknownToken: unknown.content)
        rawTokens = AddedTokenSplitter(added.filter { !$0.normalized }.map { ($0.content, $0.id) })
        // tokenizers matches a normalized token by its normalized content.
        normalizedTokens = AddedTokenSplitter(
            added.filter(\.normalized).map { (CLIPNormalizer.normalize($0.content), $0.id) })
    }

    /// The ids of `text` without special tokens around it, untruncated:
    /// `tokenizer(text, add_special_tokens=False).input_ids`. Special tokens typed in the text are kept.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        for piece in rawTokens.split(text) {
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let raw):
                for part in normalizedTokens.split(CLIPNormalizer.normalize(raw)) {
                    switch part {
                    case .token(let id):
                        ids.append(id)
                    case .text(let normalized):
                        for word in CLIPPreTokenizer.words(normalized) { ids += model.encode(word: word) }
                    }
                }
            }
        }
        return ids
    }

    /// The ids diffusers' `encode_prompt` feeds the text encoder: `[bos] + encode(text)[:length - 2] + [eos]`,
    /// padded with the pad id to `length` (`padding="max_length", truncation=True`).
    /// - Parameter length: the padded length; `maxLength` (`model_max_length`) when nil.
    public func paddedIDs(_ text: String, length: Int? = nil) -> [Int32] {
        let length = length ?? maxLength
        var ids = [bosTokenID] + encode(text).prefix(max(length - 2, 0)) + [eosTokenID]
        if ids.count < length { ids += Array(repeating: padTokenID, count: length - ids.count) }
        return ids
    }

    /// The id of a vocabulary entry, e.g. `",</w>"` (A1111 looks the comma up this way); nil when absent.
    public func vocabularyID(of token: String) -> Int32? { model.vocabulary[token] }

    /// The number of entries in the vocabulary (without added tokens that are not in it).
    public var vocabularySize: Int { model.vocabulary.count }
}
