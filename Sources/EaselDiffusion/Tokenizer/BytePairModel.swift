import Foundation

/// Byte-pair encoding of one pre-tokenized word, as tokenizers' `BPE` model is configured by transformers'
/// `CLIPTokenizer`: `end_of_word_suffix="</w>"`, no continuing-subword prefix, no dropout, `fuse_unk=False`.
///
/// A word's byte-level characters are looked up one by one (the last one with `</w>` appended); a character
/// the vocabulary lacks becomes the unknown token. Then, while any adjacent pair has a merge, the pair of
/// lowest merge rank (the leftmost of equal ranks) is replaced by its merged token, which is tokenizers'
/// priority-queue order. Merges are kept as pairs of ids, as tokenizers keeps them.
struct BytePairModel: Sendable {
    static let endOfWordSuffix = "</w>"

    let vocabulary: [String: Int32]
    /// `(left id, right id)` -> (rank, merged id).
    let merges: [Pair: Merge]
    let unknownID: Int32?
    private let cache = WordCache()

    struct Pair: Hashable, Sendable {
        var left: Int32
        var right: Int32
    }

    struct Merge: Sendable {
        var rank: Int
        var id: Int32
    }

    /// - Parameters:
    ///   - merges: the merge rules in rank order, each with its 1-based line in `mergesSource` (for errors).
    ///   - unknownToken: the token a character outside the vocabulary becomes (CLIP: `<|endoftext|>`).
    init(vocabulary: [String: Int32], merges: [(left: String, right: String, line: Int)], mergesSource: String,
         unknownToken: String?) throws {
        self.vocabulary = vocabulary
        var table: [Pair: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            guard let left = vocabulary[merge.left], let right = vocabulary[merge.right] else {
                throw TokenizerError.badMerge(
                    path: mergesSource, line: merge.line,
                    reason: "'\(merge.left) \(merge.right)' names a symbol the vocabulary lacks")
            }
            guard let merged = vocabulary[merge.left + merge.right] else {
                throw TokenizerError.badMerge(
                    path: mergesSource, line: merge.line,
                    reason: "the merged symbol '\(merge.left + merge.right)' is not in the vocabulary")
            }
            // A repeated pair takes its last rank, as tokenizers' map (collected in order) does.
            table[Pair(left: left, right: right)] = Merge(rank: rank, id: merged)
        }
        self.merges = table
        unknownID = unknownToken.flatMap { vocabulary[$0] }
    }

    /// The ids of one word (its text before the byte-level mapping).
    func encode(word: Substring) -> [Int32] {
        let key = String(word)
        if let cached = cache[key] { return cached }
        let ids = merge(symbols(of: ByteLevelAlphabet.encode(word)))
        cache[key] = ids
        return ids
    }

    /// The initial symbols: each character, the last with `</w>`; unknown ones as the unknown id (or dropped
    /// when there is none, as tokenizers does without an `unk_token`).
    private func symbols(of characters: [Character]) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(characters.count)
        for (index, character) in characters.enumerated() {
            var symbol = String(character)
            if index == characters.count - 1 { symbol += Self.endOfWordSuffix }
            if let id = vocabulary[symbol] {
                ids.append(id)
            } else if let unknownID {
                ids.append(unknownID)
            }
        }
        return ids
    }

    private func merge(_ start: [Int32]) -> [Int32] {
        var word = start
        while word.count > 1 {
            var best: (position: Int, merge: Merge)?
            for position in 0..<(word.count - 1) {
                guard let merge = merges[Pair(left: word[position], right: word[position + 1])] else { continue }
                if best == nil || merge.rank < best!.merge.rank { best = (position, merge) }
            }
            guard let (position, merge) = best else { break }
            word[position] = merge.id
            word.remove(at: position + 1)
        }
        return word
    }
}

/// Words already encoded: prompts repeat words, and BPE of a long word is quadratic in its length.
/// A class behind a lock, so `BytePairModel` stays a value that can be shared across tasks.
private final class WordCache: @unchecked Sendable {
    private var entries: [String: [Int32]] = [:]
    private let lock = NSLock()
    /// Entries kept before the cache starts over (CLIP prompts rarely hold more distinct words).
    private let capacity = 20_000

    subscript(word: String) -> [Int32]? {
        get { lock.withLock { entries[word] } }
        set {
            lock.withLock {
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[word] = newValue
            }
        }
    }
}
