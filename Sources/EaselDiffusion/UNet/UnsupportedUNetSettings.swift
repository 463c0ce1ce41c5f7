/// The `UNet2DConditionModel` settings Easel does not implement, with the values that mean "off" (diffusers'
/// defaults), so that a config using one (SDXL's `addition_embed_type`, a class-conditioned upscaler, a
/// scale-shift or only-cross-attention UNet) is refused by name rather than run without it.
enum UnsupportedUNetSettings {
    /// Key -> the values that leave the feature off. Keys diffusers does not know, and `dropout` (no effect in
    /// inference), are not checked, as diffusers itself ignores unknown keys.
    static let offValues: [String: [Value]] = [
        "only_cross_attention": [.bool(false)],
        "mid_block_only_cross_attention": [.null, .bool(false)],
        "dual_cross_attention": [.bool(false)],
        "class_embed_type": [.null],
        "num_class_embeds": [.null],
        "class_embeddings_concat": [.bool(false)],
        "projection_class_embeddings_input_dim": [.null],
        "addition_embed_type": [.null],
        "addition_time_embed_dim": [.null],
        "encoder_hid_dim": [.null],
        "encoder_hid_dim_type": [.null],
        "resnet_skip_time_act": [.bool(false)],
        "resnet_out_scale_factor": [.number(1)],
        "time_embedding_act_fn": [.null],
        "timestep_post_act": [.null],
        "time_cond_proj_dim": [.null],
        "attention_type": [.string("default")],
        "cross_attention_norm": [.null],
        "reverse_transformer_layers_per_block": [.null],
    ]

    /// `key: value` for each checked key the decoder's object sets to something other than its off values.
    /// A per-level list of off values (`only_cross_attention: [false, false, ...]`) is off too.
    static func find(in decoder: any Decoder) throws -> [String] {
        let container = try decoder.container(keyedBy: Key.self)
        var found: [String] = []
        for key in container.allKeys {
            guard let off = offValues[key.stringValue] else { continue }
            let value = try container.decode(Value.self, forKey: key)
            let isOff: Bool
            if case .array(let items) = value {
                isOff = items.allSatisfy { off.contains($0) }
            } else {
                isOff = off.contains(value)
            }
            if !isOff { found.append("\(key.stringValue): \(value)") }
        }
        return found.sorted()
    }

    /// Any coding key, to walk a JSON object's keys.
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A JSON value of any kind, for settings that are checked rather than used.
    enum Value: Decodable, Equatable, Sendable, CustomStringConvertible {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Value].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }

        var description: String {
            switch self {
            case .null: "null"
            case .bool(let value): String(value)
            case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
            case .string(let value): "\"\(value)\""
            case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
            case .object(let values): "{" + values.keys.sorted().map { "\($0): \(values[$0]!)" }.joined(separator: ", ") + "}"
            }
        }
    }
}
