/// A key-mapping table: data that renames one checkpoint layout's tensor names into diffusers' names, in
/// the spirit of the weight-name rule tables of the MLX Swift Stable Diffusion example (and of the
/// prefix lists in diffusers' `scripts/convert_diffusers_to_original_stable_diffusion.py`), rather than
/// a conversion script. Each rule renames a name prefix (a module path, e.g. `input_blocks.4.1.` ->
/// `down_blocks.1.attentions.0.`) and says what may follow it.
public struct KeyMappingTable: Sendable {
    /// One rule: names starting with `source` get `target` instead, and what follows is checked and
    /// rewritten by `remainder`.
    public struct Rule: Sendable, Equatable {
        public var source: String
        public var target: String
        public var remainder: Remainder

        public init(_ source: String, _ target: String, _ remainder: Remainder) {
            self.source = source
            self.target = target
            self.remainder = remainder
        }
    }

    /// What may follow a rule's prefix.
    public enum Remainder: Sendable, Equatable {
        /// `weight` or `bias`: the prefix names one layer (a convolution, linear layer or norm).
        case parameters
        /// Anything, kept as is: the subtree is named alike in both layouts (a transformer block).
        case unchanged
        /// The remainder must start with one of these prefixes, replaced by its pair
        /// (e.g. a resnet's `in_layers.0.` -> `norm1.`).
        case renamed([Rename])
    }

    /// A prefix of a rule's remainder and its diffusers spelling.
    public struct Rename: Sendable, Equatable {
        public var source: String
        public var target: String

        public init(_ source: String, _ target: String) {
            self.source = source
            self.target = target
        }
    }

    /// The rules, longest prefix first, so a more specific rule wins (an up block's `output_blocks.2.1.conv.`
    /// upsampler before a shorter attention prefix).
    public let rules: [Rule]

    public init(_ rules: [Rule]) {
        self.rules = rules.sorted { $0.source.count != $1.source.count ? $0.source.count > $1.source.count : $0.source < $1.source }
    }

    /// The diffusers name of `name`, or nil when no rule covers it (or the longest matching rule does not
    /// accept what follows its prefix).
    public func targetName(for name: String) -> String? {
        guard let rule = rules.first(where: { name.hasPrefix($0.source) }) else { return nil }
        let rest = String(name.dropFirst(rule.source.count))
        switch rule.remainder {
        case .parameters:
            return rest == "weight" || rest == "bias" ? rule.target + rest : nil
        case .unchanged:
            return rest.isEmpty ? nil : rule.target + rest
        case .renamed(let renames):
            guard let rename = renames.first(where: { rest.hasPrefix($0.source) }) else { return nil }
            let tail = rest.dropFirst(rename.source.count)
            return tail.isEmpty ? nil : rule.target + rename.target + tail
        }
    }

    /// Renames the tensors of `base` whose names start with `prefix` (stripped before the rules apply).
    /// Names no rule covers are returned, with the prefix, as `unconverted`; two source names that would
    /// get the same diffusers name are an error naming both.
    public func renamedStore(
        base: any TensorStore, prefix: String, names: [String]
    ) throws -> (store: RenamedTensorStore, unconverted: [String]) {
        var mapping: [String: String] = [:]
        var unconverted: [String] = []
        for name in names where name.hasPrefix(prefix) {
            guard let target = targetName(for: String(name.dropFirst(prefix.count))) else {
                unconverted.append(name)
                continue
            }
            if let other = mapping[target] {
                throw WeightError.invalidConfiguration("tensors '\(other)' and '\(name)' both convert to '\(target)'")
            }
            mapping[target] = name
        }
        return (RenamedTensorStore(base: base, names: mapping), unconverted.sorted())
    }
}
