import Easel
import Testing

/// The A1111 infotext Easel writes into PNGs, and the reader of A1111's `parse_generation_parameters`.
@Suite struct GenerationParametersTests {
    @Test func writesA1111Layout() {
        let parameters = GenerationParameters(
            prompt: "a red house, (on a hill:1.2)", negativePrompt: "blurry",
            fields: [("Steps", "20"), ("Sampler", "Euler a"), ("CFG scale", "7.5"), ("Seed", "42"),
                     ("Size", "512x512"), ("Model", "v1-5")])
        #expect(parameters.text == """
            a red house, (on a hill:1.2)
            Negative prompt: blurry
            Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 512x512, Model: v1-5
            """)
    }

    @Test func noNegativeLineWithoutNegativePrompt() {
        let parameters = GenerationParameters(prompt: "cat", negativePrompt: "", fields: [("Steps", "4"), ("Seed", "1"), ("Size", "8x8")])
        #expect(parameters.text == "cat\nSteps: 4, Seed: 1, Size: 8x8")
    }

    /// `infotext_utils.quote`: values holding a comma, colon or line break become JSON strings, and read back.
    @Test func quotesAndReadsBack() {
        let parameters = GenerationParameters(
            prompt: "line one\nline two", negativePrompt: "bad, ugly\nworse",
            fields: [("Steps", "20"), ("Model", "my, model: \"v2\""), ("Seed", "7"), ("Size", "64x96")])
        #expect(parameters.text.contains(#"Model: "my, model: \"v2\"""#))
        let read = GenerationParameters(parsing: parameters.text)
        #expect(read == parameters)
        #expect(read["Model"] == #"my, model: "v2""#)
    }

    /// A real A1111 infotext (web UI 1.10 layout) reads into its prompt, negative prompt and fields.
    @Test func readsA1111Infotext() {
        let text = """
            masterpiece, (a cat:1.2) on a sofa
            Negative prompt: lowres, bad anatomy
            Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 3715539042, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 1", Version: v1.10.1
            """
        let read = GenerationParameters(parsing: text)
        #expect(read.prompt == "masterpiece, (a cat:1.2) on a sofa")
        #expect(read.negativePrompt == "lowres, bad anatomy")
        #expect(read["Steps"] == "28")
        #expect(read["Schedule type"] == "Karras")
        #expect(read["Seed"] == "3715539042")
        #expect(read["ControlNet 0"] == "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 1")
        #expect(read["Version"] == "v1.10.1")
        #expect(read.fields.count == 10)
    }

    /// A last line with fewer than three settings is part of the prompt, as in A1111.
    @Test func shortLastLineIsPrompt() {
        let read = GenerationParameters(parsing: "a cat\nstyle: oil")
        #expect(read.prompt == "a cat\nstyle: oil")
        #expect(read.fields.isEmpty)
    }
}
