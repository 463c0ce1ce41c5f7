import Foundation

/// Picks the weight files of one diffusers component folder.
///
/// diffusers and transformers name them `<base>[.<variant>][-NNNNN-of-NNNNN].safetensors` with base
/// `diffusion_pytorch_model` or `model`: `diffusion_pytorch_model.safetensors`,
/// `diffusion_pytorch_model.fp16.safetensors`, `model-00001-of-00002.safetensors`. Variants are
/// alternatives (the same tensors at another precision), so exactly one is read; shards of one variant
/// are read together. A folder whose safetensors files follow no such name (a ControlNet folder holding
/// one renamed file) has them all read as one set.
struct ComponentWeightFiles {
    static let baseNames = ["diffusion_pytorch_model", "model"]

    /// The files to read, in name order.
    var urls: [URL]
    /// Their variant; nil for the default (no variant in the name).
    var variant: String?
    /// The other variants found.
    var otherVariants: [String]

    /// Chooses within `folder`: the `requested` variant if given (an error if absent), else the default,
    /// else the only variant, else `fp16`. Returns nil when the folder has no safetensors files; throws
    /// `.unsupportedFormat` when it has only pickle weights.
    static func select(in folder: URL, requested: String?) throws -> ComponentWeightFiles? {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(by: TensorInfo.listingOrder)
        } catch {
            throw CheckpointError.unreadable(path: folder.path, reason: error.localizedDescription)
        }
        var groups: [String: [URL]] = [:]  // "" for the default variant
        var unnamed: [URL] = []
        for name in names where name.hasSuffix(".safetensors") && !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            if let variant = variant(ofFileNamed: name) {
                groups[variant, default: []].append(url)
            } else {
                unnamed.append(url)
            }
        }
        if groups.isEmpty && !unnamed.isEmpty { groups[""] = unnamed }
        guard !groups.isEmpty else {
            if let pickle = names.first(where: { CheckpointFormat.isPickleName(URL(fileURLWithPath: $0)) }) {
                throw CheckpointError.unsupportedFormat(
                    path: folder.appendingPathComponent(pickle).path, reason: CheckpointFormat.pickleAdvice)
            }
            return nil
        }
        let available = groups.keys.sorted()
        let chosen: String
        if let requested {
            guard groups[requested] != nil else {
                let list = available.map { $0.isEmpty ? "default" : $0 }.joined(separator: ", ")
                throw CheckpointError.invalidModelFolder(path: folder.path, reason: "it has no '\(requested)' variant (it has: \(list))")
            }
            chosen = requested
        } else if groups[""] != nil {
            chosen = ""
        } else if available.count == 1 || groups["fp16"] == nil {
            chosen = available[0]
        } else {
            chosen = "fp16"
        }
        return ComponentWeightFiles(
            urls: groups[chosen] ?? [], variant: chosen.isEmpty ? nil : chosen,
            otherVariants: available.filter { $0 != chosen }.map { $0.isEmpty ? "default" : $0 })
    }

    /// "" for `model.safetensors` / `model-00001-of-00002.safetensors`, "fp16" for
    /// `diffusion_pytorch_model.fp16.safetensors`, nil for a name that is not a diffusers weight name.
    static func variant(ofFileNamed name: String) -> String? {
        var stem = Substring(name.dropLast(".safetensors".count))
        // Strip a shard suffix "-NNNNN-of-NNNNN".
        let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count >= 4, parts[parts.count - 2] == "of", isNumber(parts[parts.count - 1]), isNumber(parts[parts.count - 3]) {
            stem = stem.dropLast(parts[parts.count - 3].count + parts[parts.count - 1].count + 5)
        }
        for base in baseNames {
            if stem == base { return "" }
            if stem.hasPrefix(base + "."), stem.count > base.count + 1 { return String(stem.dropFirst(base.count + 1)) }
        }
        return nil
    }

    private static func isNumber(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0 >= "0" && $0 <= "9" } }
}
