import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation
import Testing

/// `PromptEncoder` against diffusers 0.42.1 `StableDiffusionPipeline.encode_prompt` (`.plain`) and the A1111
/// port (`.a1111`), on a random 3-layer CLIP text model; references in float64.
@Suite struct PromptEncoderTests {
    /// Max relative error allowed. Measured (debug build, this machine): at most 2.8e-7 over all 8 cases and both
    /// syntaxes; PyTorch's own float32 run of the plain cases is 1.9e-7 ... 3.0e-7 from the same references.
    static let tolerance: Float = 1e-6

    @Test(arguments: PromptSyntax.allCases)
    func matchesTheReferences(syntax: PromptSyntax) throws {
        let temporary = try TemporaryFolder()
        let fixture = try PromptFixtures.embeddings()
        let model = try PromptFixtures.textModel()
        for item in try PromptFixtures.encoderCases() {
            let encoder = PromptEncoder(tokenizer: try PromptFixtures.tokenizer(item.tokenizer, in: temporary), textModel: model)
            let (positive, negative) = try encoder.encode(
                prompt: item.prompt, negativePrompt: item.negative_prompt, syntax: syntax, clipSkip: item.clip_skip)
            let expectedPositive = try fixture.tensor("\(item.name).\(syntax.rawValue).positive")
            let expectedNegative = try fixture.tensor("\(item.name).\(syntax.rawValue).negative")
            #expect(positive.shape == expectedPositive.shape && negative.shape == expectedNegative.shape, "\(item.name)")
            let errors = (maxRelativeError(positive, expectedPositive), maxRelativeError(negative, expectedNegative))
            print("Prompt \(syntax) \(item.name): positive \(errors.0), negative \(errors.1)")
            #expect(errors.0 <= Self.tolerance, "\(item.name) positive")
            #expect(errors.1 <= Self.tolerance, "\(item.name) negative")
        }
    }

    /// A short prompt without any syntax gives the same embeddings in both modes (A1111's one chunk is the
    /// padded ids diffusers uses, and emphasis at weight 1 rescales by exactly 1).
    @Test func plainAndA1111AgreeOnAShortPrompt() throws {
        let encoder = PromptEncoder(
            tokenizer: try PromptFixtures.tokenizer("small", in: TemporaryFolder()), textModel: try PromptFixtures.textModel())
        let plain = try encoder.encode(prompt: "a photo of a cat", negativePrompt: "blurry", syntax: .plain)
        let a1111 = try encoder.encode(prompt: "a photo of a cat", negativePrompt: "blurry", syntax: .a1111)
        #expect(plain.positive == a1111.positive)
        #expect(plain.negative == a1111.negative)
    }

    /// diffusers applies clip skip to the prompt only; A1111 to both.
    @Test func clipSkipReachesTheNegativePromptOnlyInA1111() throws {
        let encoder = PromptEncoder(
            tokenizer: try PromptFixtures.tokenizer("small", in: TemporaryFolder()), textModel: try PromptFixtures.textModel())
        let plain0 = try encoder.encode(prompt: "cat", negativePrompt: "dog", syntax: .plain, clipSkip: 0)
        let plain1 = try encoder.encode(prompt: "cat", negativePrompt: "dog", syntax: .plain, clipSkip: 1)
        #expect(plain0.negative == plain1.negative && plain0.positive != plain1.positive)
        let a0 = try encoder.encode(prompt: "cat", negativePrompt: "dog", syntax: .a1111, clipSkip: 0)
        let a1 = try encoder.encode(prompt: "cat", negativePrompt: "dog", syntax: .a1111, clipSkip: 1)
        #expect(a0.negative != a1.negative && a0.positive != a1.positive)
    }

    @Test func badInputIsAnError() throws {
        let encoder = PromptEncoder(
            tokenizer: try PromptFixtures.tokenizer("small", in: TemporaryFolder()), textModel: try PromptFixtures.textModel())
        #expect(throws: PromptSyntaxError.invalidWeight("1..2")) {
            try encoder.encode(prompt: "(a:1..2)", syntax: .a1111)
        }
        #expect(throws: CLIPTextModelError.clipSkipOutOfRange(clipSkip: 4, layers: 3)) {
            try encoder.encode(prompt: "a", syntax: .plain, clipSkip: 4)
        }
    }

    /// A pipeline folder's tokenizer/ and text_encoder/ give the same encoder.
    @Test func readsAPipelineFolder() throws {
        let temporary = try TemporaryFolder()
        try FileManager.default.copyItem(at: PromptFixtures.fixtures.url("Tokenizer_small"), to: temporary.path("tokenizer"))
        try FileManager.default.copyItem(
            at: PromptFixtures.fixtures.url("Prompt_text_encoder"), to: temporary.path("text_encoder"))
        try temporary.write(#"{"_class_name": "StableDiffusionPipeline"}"#, to: "model_index.json")
        let fromFolder = try PromptEncoder(contentsOf: temporary.url)
        let fromParts = PromptEncoder(
            tokenizer: try PromptFixtures.tokenizer("small", in: temporary), textModel: try PromptFixtures.textModel())
        let a = try fromFolder.encode(prompt: "(a cat:1.2)", syntax: .a1111)
        let b = try fromParts.encode(prompt: "(a cat:1.2)", syntax: .a1111)
        #expect(a.positive == b.positive && a.negative == b.negative)
    }
}
