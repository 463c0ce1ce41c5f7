import Foundation

/// Opens single weight files by format: safetensors, or PyTorch pickle checkpoints (read safely by
/// `PyTorchCheckpointFile`). Tells other formats from broken safetensors files, so a user learns what
/// the file is.
enum CheckpointFormat {
    /// File name extensions of PyTorch pickle checkpoints (`torch.save`: a zip of pickles, or a bare pickle).
    static let pickleExtensions: Set<String> = ["ckpt", "pt", "pth", "bin", "pkl"]

    /// For pickle weights inside model folders, which are still read only as safetensors.
    static let pickleAdvice =
        "PyTorch pickle weights (.ckpt, .pt, .pth, .bin) inside model folders are not supported yet; only .safetensors files are (convert with safetensors.torch.save_file), while a single .ckpt/.pth file can be opened directly"

    /// Whether `url` names a pickle checkpoint by its extension.
    static func isPickleName(_ url: URL) -> Bool {
        pickleExtensions.contains(url.pathExtension.lowercased())
    }

    /// Opens a single weight file given as a path: a PyTorch checkpoint by its extension, otherwise
    /// safetensors. A `.ckpt`/`.pth` that is neither a zip nor a pickle but a valid safetensors file (a
    /// renamed conversion) is read as safetensors; otherwise the PyTorch reader's error stands.
    static func openWeightFile(_ url: URL) throws -> any CheckpointWeightFile {
        guard isPickleName(url) else { return try openSafetensors(url) }
        // Not a zip or a pickle by its first bytes: a renamed safetensors file, or else the reader's error.
        if recognise(url) == nil, let file = try? SafetensorsFile(contentsOf: url) { return file }
        return try PyTorchCheckpointFile(contentsOf: url)
    }

    /// Opens a safetensors file inside a model folder: refuses pickle checkpoints by name, and explains
    /// a file that fails to parse as safetensors when its first bytes show another format.
    static func openSafetensors(_ url: URL) throws -> SafetensorsFile {
        if isPickleName(url) {
            throw CheckpointError.unsupportedFormat(path: url.path, reason: pickleAdvice)
        }
        do {
            return try SafetensorsFile(contentsOf: url)
        } catch CheckpointError.corrupt(let path, let reason) {
            if let other = recognise(url) {
                throw CheckpointError.unsupportedFormat(
                    path: path, reason: "this is \(other), not safetensors; give it a .ckpt or .pth extension to read it as one")
            }
            throw CheckpointError.corrupt(path: path, reason: reason)
        }
    }

    /// Names the format of a file from its magic bytes, or nil.
    static func recognise(_ url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4), head.count == 4 else { return nil }
        let bytes = [UInt8](head)
        if bytes == [0x50, 0x4B, 0x03, 0x04] { return "a zip archive (a PyTorch torch.save checkpoint)" }
        if bytes[0] == 0x80, (2...5).contains(bytes[1]) { return "a Python pickle (a PyTorch checkpoint)" }
        if bytes == Array("GGUF".utf8) { return "a GGUF file" }
        return nil
    }
}
