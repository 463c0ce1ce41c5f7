import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// `CLIPTextModel` against transformers 5.23 `CLIPTextModel` (references in float64) on two random models.
@Suite struct TextEncoderParityTests {
    /// Max relative error allowed on every output. Measured (debug build, this machine): at most 2.9e-7 over
    /// all outputs of both models; PyTorch's own float32 run is 2.6e-7 / 2.8e-7 from the same references.
    static let tolerance: Float = 1e-6

    @Test(arguments: TextEncoderFixtures.modelNames)
    func outputsMatchTransformers(model: String) throws {
        let fixture = try TextEncoderFixtures.outputs()
        let encoder = try CLIPTextModel(contentsOf: TextEncoderFixtures.folder(model))
        #expect(encoder.usedTextModelPrefix == (model == "quickgelu"))
        let ids = try TextEncoderFixtures.inputIDs(model, in: fixture)
        let output = try encoder(ids)

        let last = maxRelativeError(output.lastHiddenState, try fixture.tensor(model + ".last_hidden_state"))
        let pooled = maxRelativeError(output.pooledOutput, try fixture.tensor(model + ".pooler_output"))
        print("TextEncoder \(model): last_hidden_state \(last), pooler_output \(pooled)")
        #expect(last <= Self.tolerance)
        #expect(pooled <= Self.tolerance)

        let layers = try fixture.int(model + ".layers")
        #expect(output.hiddenStates.count == layers + 1)
        for (index, hidden) in output.hiddenStates.enumerated() {
            let error = maxRelativeError(hidden, try fixture.tensor(model + ".hidden_state_\(index)"))
            print("TextEncoder \(model): hidden_states[\(index)] \(error)")
            #expect(error <= Self.tolerance, "hidden_states[\(index)]")
        }
    }

    /// `encode(clipSkip: k)` equals diffusers' `encode_prompt(clip_skip=k)`; 0 is the last hidden state.
    @Test(arguments: TextEncoderFixtures.modelNames)
    func clipSkipMatchesDiffusers(model: String) throws {
        let fixture = try TextEncoderFixtures.outputs()
        let encoder = try CLIPTextModel(contentsOf: TextEncoderFixtures.folder(model))
        let ids = try TextEncoderFixtures.inputIDs(model, in: fixture)
        let layers = try fixture.int(model + ".layers")
        for clipSkip in 0...layers {
            let reference = try fixture.tensor(model + (clipSkip == 0 ? ".last_hidden_state" : ".clip_skip_\(clipSkip)"))
            let error = maxRelativeError(try encoder.encode(ids, clipSkip: clipSkip), reference)
            print("TextEncoder \(model): clip_skip \(clipSkip) \(error)")
            #expect(error <= Self.tolerance, "clip_skip \(clipSkip)")
        }
    }

    /// The fixture ids are chosen so the two pooling rules disagree: SD 1.x's `eos_token_id` 2 takes the
    /// first largest id, any other id the first position of that id.
    @Test func pooledPositionsFollowTheEOSRule() throws {
        let fixture = try TextEncoderFixtures.outputs()
        let legacy = try CLIPTextModel(contentsOf: TextEncoderFixtures.folder("quickgelu"))
        #expect(legacy.pooledPositions(try TextEncoderFixtures.inputIDs("quickgelu", in: fixture)) == [12, 40])
        let current = try CLIPTextModel(contentsOf: TextEncoderFixtures.folder("gelu"))
        #expect(current.pooledPositions(try TextEncoderFixtures.inputIDs("gelu", in: fixture)) == [20, 50])
        #expect(current.pooledPositions([[997, 5, 6]]) == [0])
    }
}
