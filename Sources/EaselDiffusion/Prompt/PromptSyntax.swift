/// How `PromptEncoder` reads a prompt.
public enum PromptSyntax: String, Sendable, CaseIterable {
    /// diffusers: the text as it is (brackets are characters), truncated to 77 tokens.
    case plain
    /// AUTOMATIC1111: `(emphasis)`, `[de-emphasis]`, `(text:1.3)`, escapes, `BREAK`, and prompts of any length in
    /// chunks of 75 tokens.
    case a1111
}
