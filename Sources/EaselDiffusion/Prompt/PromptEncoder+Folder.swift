import Foundation

extension PromptEncoder {
    /// Reads the `tokenizer/` and `text_encoder/` folders of a diffusers pipeline folder (SD 1.x/2.x).
    /// - Parameter variant: the text encoder's weight variant (e.g. "fp16"), as `CLIPTextModel(contentsOf:)`.
    public init(contentsOf pipeline: URL, variant: String? = nil) throws {
        try self.init(
            tokenizer: CLIPTokenizer(contentsOf: pipeline.appendingPathComponent("tokenizer")),
            textModel: CLIPTextModel(contentsOf: pipeline.appendingPathComponent("text_encoder"), variant: variant))
    }
}
