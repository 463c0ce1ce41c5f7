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

    /// Chooses within `folder` as diffusers' `variant_compatible_siblings` does: the `requested` variant
    /// when the folder has it, else the default files (so `fp16` on a pipeline whose ControlNet has no fp16
    /// file reads its default weights); without a request, the default, else the only variant, else `fp16`.
    /// Returns nil when the folder has no safetensors files; throws `.unsupportedFormat` when it has only
    /// pickle weights, `.invalidModelFolder` when neither the requested variant nor the default is there.
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
        if let requested, groups[requested] != nil {
            chosen = requested
        } else if let requested {
            guard groups[""] != nil else {
                let list = available.map { $0.isEmpty ? "default" : $0 }.joined(separator: ", ")
                throw CheckpointError.invalidModelFolder(
                    path: folder.path, reason: "it has neither a '\(requested)' variant nor default weights (it has: \(list))")
            }
            chosen = ""
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
    /// `diffusion_pytorch_model.fp16.safetensors`, `...fp16-00001-of-00002.safetensors` and the legacy
    /// `...-00001-of-00002.fp16.safetensors`; nil for a name that is not a diffusers weight name.
    static func variant(ofFileNamed name: String) -> String? {
        let stem = Substring(name.dropLast(".safetensors".count))
        for base in baseNames where stem.hasPrefix(base) {
            var rest = stem.dropFirst(base.count)
            rest = dropShardSuffix(rest, leading: true)
            if rest.isEmpty { return "" }
            guard rest.first == ".", rest.count > 1 else { continue }
            let variant = dropShardSuffix(rest.dropFirst(), leading: false)
            if !variant.isEmpty && !variant.contains(".") { return String(variant) }
        }
        return nil
    }

    /// `text` without a shard marker "-NNNNN-of-NNNNN" at its start (`leading`) or end.
    private static func dropShardSuffix(_ text: Substring, leading: Bool) -> Substring {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if leading {
            // "-00001-of-00002" or "-00001-of-00002.fp16": parts "", "00001", "of", "00002[.fp16]"
            guard parts.count == 4, parts[0].isEmpty, isNumber(parts[1]), parts[2] == "of" else { return text }
            let last = parts[3].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard isNumber(last[0]) else { return text }
            return text.dropFirst(parts[1].count + last[0].count + 5)
        }
        guard parts.count >= 4, parts[parts.count - 2] == "of", isNumber(parts[parts.count - 1]),
            isNumber(parts[parts.count - 3])
        else { return text }
        return text.dropLast(parts[parts.count - 3].count + parts[parts.count - 1].count + 5)
    }

    private static func isNumber(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0 >= "0" && $0 <= "9" } }
}
