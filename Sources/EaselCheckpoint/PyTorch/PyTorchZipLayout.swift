/// The layout `torch.save` has written by default since PyTorch 1.6: a zip archive (entries stored,
/// data aligned to 64 bytes) holding `<archive>/data.pkl` (the object, with storages as persistent
/// ids), `<archive>/data/<key>` (each storage's raw little-endian bytes), `<archive>/version`,
/// `<archive>/byteorder` and others. `<archive>` is any folder name (the file's name when saved).
struct PyTorchZipLayout {
    /// The folder all records live in.
    let archiveName: String
    /// The unpickled object and its containers.
    let root: PickleValue
    let heap: PickleHeap
    /// Byte ranges in the file of the storages, by key.
    let storageRanges: [String: Range<Int>]

    init(_ bytes: UnsafeRawBufferPointer) throws(PyTorchReadError) {
        let archive = try StoredZipArchive(bytes)
        // PyTorchStreamReader takes the folder from the first entry; fall back to the only data.pkl.
        let candidates = archive.entries.map(\.name).filter { name in
            name.hasSuffix("/data.pkl") && name.split(separator: "/", omittingEmptySubsequences: false).count == 2
        }
        let firstFolder = archive.entries.first.map { String($0.name.prefix { $0 != "/" }) }
        let pickleName: String
        if let firstFolder, candidates.contains(firstFolder + "/data.pkl") {
            pickleName = firstFolder + "/data.pkl"
        } else if candidates.count == 1 {
            pickleName = candidates[0]
        } else {
            throw .invalid("it is a zip archive without an <archive>/data.pkl record, so not a torch.save checkpoint")
        }
        let archiveName = String(pickleName.dropLast("/data.pkl".count))
        if let order = archive.entry(named: archiveName + "/byteorder") {
            let range = try archive.storedData(of: order)
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            guard text == "little" else { throw .invalid("its storages are stored \(text)-endian; Easel reads little-endian checkpoints only") }
        }
        guard let pickleEntry = archive.entry(named: pickleName) else { throw .invalid("its \(pickleName) record is missing") }
        let pickle = try archive.storedData(of: pickleEntry)
        var machine = PickleMachine(bytes: bytes, start: pickle.lowerBound, end: pickle.upperBound)
        let (root, _) = try machine.run()
        var ranges: [String: Range<Int>] = [:]
        for key in machine.storages.keys {
            let recordName = archiveName + "/data/" + key
            guard let entry = archive.entry(named: recordName) else {
                throw .invalid("its pickle refers to storage '\(key)' but the archive has no \(recordName) record")
            }
            ranges[key] = try archive.storedData(of: entry)
        }
        self.archiveName = archiveName
        self.root = root
        self.heap = machine.heap
        self.storageRanges = ranges
    }
}
