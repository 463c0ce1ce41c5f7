/// The entries of a zip archive held in memory, read from its central directory, as far as
/// `torch.save` writes them: stored (uncompressed) entries, with ZIP64 records for archives or entries
/// past 4 GiB. Entry data is located, never copied, so a mapped multi-gigabyte checkpoint is not read
/// twice.
///
/// Written here rather than taken from ZIPFoundation: torch's writer (miniz in `PyTorchStreamWriter`)
/// only stores, so locating entries is all a checkpoint needs, and every offset and length is checked
/// against the buffer before use. Compressed or encrypted entries are listed but refused when read.
/// CRCs are not checked: that would touch every byte of a multi-gigabyte file when it is opened, and
/// a damaged weight byte is not a safety matter (every structural field is validated).
struct StoredZipArchive {
    struct Entry {
        var name: String
        /// 0 = stored; anything else (8 = deflate) cannot be read here.
        var method: UInt16
        var isEncrypted: Bool
        /// Where the entry's bytes are inside the buffer (valid for stored entries).
        var data: Range<Int>
    }

    /// Entries in central-directory order.
    let entries: [Entry]
    private let indexByName: [String: Int]

    private static let endOfCentralDirectory: UInt32 = 0x0605_4B50
    private static let zip64EndLocator: UInt32 = 0x0706_4B50
    private static let zip64End: UInt32 = 0x0606_4B50
    private static let centralHeader: UInt32 = 0x0201_4B50
    private static let localHeader: UInt32 = 0x0403_4B50

    /// Reads the central directory of the archive in `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) throws(PyTorchReadError) {
        let reader = ByteReader(bytes)
        // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
        var end: Int?
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65535)
        while position >= lowest {
            if reader.u32(at: position) == Self.endOfCentralDirectory {
                end = position
                break
            }
            position -= 1
        }
        guard let end else { throw .invalid("it starts like a zip archive but has no end-of-central-directory record (truncated?)") }
        var count = Int(reader.u16(at: end + 10)!)
        var directorySize = UInt64(reader.u32(at: end + 12)!)
        var directoryOffset = UInt64(reader.u32(at: end + 16)!)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the end record points at the 64-bit end record.
            guard end >= 20, reader.u32(at: end - 20) == Self.zip64EndLocator,
                let recordOffset = reader.u64(at: end - 12).flatMap(Int.init(exactly:)),
                reader.u32(at: recordOffset) == Self.zip64End,
                let entries64 = reader.u64(at: recordOffset + 32),
                let size64 = reader.u64(at: recordOffset + 40),
                let offset64 = reader.u64(at: recordOffset + 48)
            else { throw .invalid("its ZIP64 end-of-central-directory record is missing or damaged") }
            guard let entryCount = Int(exactly: entries64) else { throw .invalid("its zip directory claims \(entries64) entries") }
            count = entryCount
            directorySize = size64
            directoryOffset = offset64
        }
        guard let start = Int(exactly: directoryOffset), let size = Int(exactly: directorySize),
            start <= bytes.count, size <= bytes.count - start
        else { throw .invalid("its zip central directory lies outside the \(bytes.count)-byte file (truncated?)") }
        // Every directory record takes at least 46 bytes, which bounds a hostile count.
        guard count <= size / 46 else { throw .invalid("its zip directory claims \(count) entries in \(size) bytes") }

        var entries: [Entry] = []
        var index: [String: Int] = [:]
        entries.reserveCapacity(count)
        var at = start
        for number in 0..<count {
            guard reader.u32(at: at) == Self.centralHeader, at + 46 <= start + size else {
                throw .invalid("zip directory record \(number) is damaged")
            }
            let flags = reader.u16(at: at + 8)!
            let method = reader.u16(at: at + 10)!
            var compressedSize = UInt64(reader.u32(at: at + 20)!)
            var size32 = UInt64(reader.u32(at: at + 24)!)
            let nameLength = Int(reader.u16(at: at + 28)!)
            let extraLength = Int(reader.u16(at: at + 30)!)
            let commentLength = Int(reader.u16(at: at + 32)!)
            var localOffset = UInt64(reader.u32(at: at + 42)!)
            let nameStart = at + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= start + size else { throw .invalid("zip directory record \(number) runs past the directory") }
            guard let name = String(validating: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<extraStart]), as: UTF8.self) else {
                throw .invalid("zip directory record \(number) has a name that is not UTF-8")
            }
            // The ZIP64 extra field holds, in this order, whichever of the three values overflowed.
            if size32 == 0xFFFF_FFFF || compressedSize == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
                guard let extra = Self.zip64Extra(reader, from: extraStart, to: extraStart + extraLength) else {
                    throw .invalid("zip entry '\(name)' lacks the ZIP64 sizes its directory record calls for")
                }
                var field = extra
                func take() throws(PyTorchReadError) -> UInt64 {
                    guard field.count >= 8, let value = reader.u64(at: field.lowerBound) else {
                        throw .invalid("zip entry '\(name)' has a short ZIP64 extra field")
                    }
                    field = (field.lowerBound + 8)..<field.upperBound
                    return value
                }
                if size32 == 0xFFFF_FFFF { size32 = try take() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try take() }
                if localOffset == 0xFFFF_FFFF { localOffset = try take() }
            }
            // The data follows the local header, whose own name and extra lengths may differ.
            guard let local = Int(exactly: localOffset), reader.u32(at: local) == Self.localHeader,
                let localName = reader.u16(at: local + 26), let localExtra = reader.u16(at: local + 28)
            else { throw .invalid("zip entry '\(name)' has no local header where its directory record says") }
            let dataStart = local + 30 + Int(localName) + Int(localExtra)
            guard let length = Int(exactly: compressedSize), dataStart <= bytes.count, length <= bytes.count - dataStart else {
                throw .invalid("zip entry '\(name)' runs past the end of the \(bytes.count)-byte file (truncated?)")
            }
            if method == 0, size32 != compressedSize {
                throw .invalid("zip entry '\(name)' is stored but its sizes disagree (\(size32) and \(compressedSize))")
            }
            if index[name] == nil { index[name] = entries.count }
            entries.append(Entry(name: name, method: method, isEncrypted: flags & 1 != 0, data: dataStart..<(dataStart + length)))
            at = next
        }
        self.entries = entries
        self.indexByName = index
    }

    /// The entry called `name`, if any.
    func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The bytes of a stored entry; compressed and encrypted entries are refused by name.
    func storedData(of entry: Entry) throws(PyTorchReadError) -> Range<Int> {
        guard !entry.isEncrypted else { throw .invalid("zip entry '\(entry.name)' is encrypted") }
        guard entry.method == 0 else {
            throw .invalid("zip entry '\(entry.name)' is compressed (method \(entry.method)); torch.save stores entries uncompressed, so the archive was repacked: re-save it with torch.save")
        }
        return entry.data
    }

    /// The payload range of the ZIP64 extended-information field (id 1) among extra fields.
    private static func zip64Extra(_ reader: ByteReader, from start: Int, to end: Int) -> Range<Int>? {
        var at = start
        while at + 4 <= end {
            guard let id = reader.u16(at: at), let length = reader.u16(at: at + 2) else { return nil }
            let payload = (at + 4)..<(at + 4 + Int(length))
            guard payload.upperBound <= end else { return nil }
            if id == 1 { return payload }
            at = payload.upperBound
        }
        return nil
    }
}

/// Bounds-checked little-endian reads from a buffer: nil instead of a read past either end.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func u16(at offset: Int) -> UInt16? { load(at: offset) }
    func u32(at offset: Int) -> UInt32? { load(at: offset) }
    func u64(at offset: Int) -> UInt64? { load(at: offset) }

    private func load<T: FixedWidthInteger>(at offset: Int) -> T? {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else { return nil }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
