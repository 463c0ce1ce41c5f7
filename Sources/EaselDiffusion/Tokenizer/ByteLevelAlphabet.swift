/// GPT-2's byte-to-unicode table (`bytes_to_unicode` in transformers, `ByteLevel` in tokenizers): every byte
/// of a word's UTF-8 is written as one printable character, so BPE symbols are strings without control
/// characters or spaces. Bytes `!`...`~`, `¡`...`¬` and `®`...`ÿ` stand for themselves; the other 68 bytes map,
/// in order, to U+0100, U+0101, ...
enum ByteLevelAlphabet {
    /// The character for each byte value.
    static let characters: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        var extra: UInt32 = 0
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            let scalar: UInt32
            if printable {
                scalar = UInt32(byte)
            } else {
                scalar = 256 + extra
                extra += 1
            }
            table[byte] = Character(Unicode.Scalar(scalar)!)
        }
        return table
    }()

    /// `text`'s UTF-8 bytes, each written as its character.
    static func encode(_ text: Substring) -> [Character] {
        text.utf8.map { characters[Int($0)] }
    }
}
