/// The table from SD 1.x single-file text-encoder names (after `cond_stage_model.transformer.`) to
/// transformers' `CLIPTextModel` names with the `text_model.` level, as SD 1.x diffusers folders store them.
/// diffusers' `convert_ldm_clip_checkpoint` only strips the prefix; files saved with transformers before
/// 4.x's `text_model` level (`cond_stage_model.transformer.embeddings...`) get the level added here.
enum LDMCLIPKeyTable {
    static let table = KeyMappingTable([
        .init("text_model.embeddings.", "text_model.embeddings.", .unchanged),
        .init("text_model.encoder.layers.", "text_model.encoder.layers.", .unchanged),
        .init("text_model.final_layer_norm.", "text_model.final_layer_norm.", .parameters),
        .init("embeddings.", "text_model.embeddings.", .unchanged),
        .init("encoder.layers.", "text_model.encoder.layers.", .unchanged),
        .init("final_layer_norm.", "text_model.final_layer_norm.", .parameters),
    ])

    /// `position_ids` is a buffer (0..<77) that transformers rebuilds; it carries no weights.
    static func isBuffer(_ relativeName: String) -> Bool { relativeName.hasSuffix("embeddings.position_ids") }
}
