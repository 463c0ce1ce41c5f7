/// SD 2.x single files' OpenCLIP ViT-H text tower (`cond_stage_model.model.*`) -> transformers
/// `CLIPTextModel` names with the `text_model.` level: diffusers' `convert_open_clip_checkpoint` with its
/// `DIFFUSERS_TO_LDM_MAPPING["openclip"]` table. `in_proj_weight/bias` are split into `q_proj, k_proj, v_proj`.
///
/// SD 2.x conditions on the penultimate layer (`FrozenOpenCLIPEmbedder(layer="penultimate")`), so its diffusers
/// text encoder has one layer fewer than the file: the last `resblocks.N` is not converted (diffusers lists the
/// same tensors, `resblocks.23.*`, in `SD_2_TEXT_ENCODER_KEYS_TO_IGNORE`) and goes to the ignored names, with
/// `text_projection` and `logit_scale`, which `CLIPTextModel` has no use for.
enum LDMOpenCLIPConversion {
    static let prefix = "cond_stage_model.model."

    /// Whole tensors outside the resblocks.
    static let topLevel: [String: String] = [
        "positional_embedding": "text_model.embeddings.position_embedding.weight",
        "token_embedding.weight": "text_model.embeddings.token_embedding.weight",
        "ln_final.weight": "text_model.final_layer_norm.weight",
        "ln_final.bias": "text_model.final_layer_norm.bias",
    ]

    /// Not weights of `CLIPTextModel`.
    static let unused: Set<String> = ["text_projection", "logit_scale"]

    /// Inside `transformer.resblocks.i.` -> `text_model.encoder.layers.i.` (the fused `attn.in_proj_*` aside).
    static let resblockTable = KeyMappingTable([
        .init("ln_1.", "layer_norm1.", .parameters),
        .init("ln_2.", "layer_norm2.", .parameters),
        .init("attn.out_proj.", "self_attn.out_proj.", .parameters),
        .init("mlp.c_fc.", "mlp.fc1.", .parameters),
        .init("mlp.c_proj.", "mlp.fc2.", .parameters),
    ])

    /// The converted store, and the file's names it ignores and does not understand.
    static func convert(
        base: any TensorStore, names: [String]
    ) throws -> (store: SlicedTensorStore, ignored: [String], unconverted: [String]) {
        let tensors = ComponentTensors(base: base, prefix: prefix, names: names)
        let resblocks = tensors.indices(under: "transformer.resblocks.")
        guard resblocks.count >= 2, resblocks == Array(0..<resblocks.count) else {
            throw WeightError.invalidConfiguration("OpenCLIP resblocks \(resblocks) under '\(prefix)' are not numbered 0..<n (n >= 2)")
        }
        let hidden = try tensors.extent("token_embedding.weight", 1)
        let dropped = resblocks.count - 1
        var sources: [String: SlicedTensorStore.Source] = [:]
        var ignored: [String] = []
        var unconverted: [String] = []
        for relative in tensors.names.sorted() {
            let name = prefix + relative
            if let target = topLevel[relative] {
                sources[target] = .whole(name)
                continue
            }
            if unused.contains(relative) {
                ignored.append(name)
                continue
            }
            let resblock = "transformer.resblocks."
            guard relative.hasPrefix(resblock), let dot = relative.dropFirst(resblock.count).firstIndex(of: "."),
                let index = Int(relative[relative.index(relative.startIndex, offsetBy: resblock.count)..<dot])
            else {
                unconverted.append(name)
                continue
            }
            if index == dropped {
                ignored.append(name)
                continue
            }
            let rest = String(relative[relative.index(after: dot)...])
            let layer = "text_model.encoder.layers.\(index)."
            if rest == "attn.in_proj_weight" || rest == "attn.in_proj_bias" {
                let kind = rest.hasSuffix("weight") ? "weight" : "bias"
                for (part, projection) in ["q_proj", "k_proj", "v_proj"].enumerated() {
                    sources[layer + "self_attn.\(projection).\(kind)"] = .rows(name, (part * hidden)..<((part + 1) * hidden))
                }
            } else if let target = resblockTable.targetName(for: rest) {
                sources[layer + target] = .whole(name)
            } else {
                unconverted.append(name)
            }
        }
        return (try SlicedTensorStore(base: base, sources: sources), ignored, unconverted)
    }
}
