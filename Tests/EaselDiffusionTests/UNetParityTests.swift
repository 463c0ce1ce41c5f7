import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// `UNet2DConditionModel` against diffusers 0.42.1 on small random models (Tests/Reference/make_unet_fixtures.py):
/// outputs computed by diffusers in float64 from the same float32 weights and inputs, batch 2. For scale, torch's
/// own float32 run of the same models is 4e-7 .. 8e-7 (max relative error) from those references.
@Suite struct UNetParityTests {
    /// SD 1.x-like (1x1-conv projections, heads from an int `attention_head_dim`, last level a plain DownBlock2D),
    /// read from a `unet/` folder: integer timestep 999, a fractional one, and with ControlNet residuals.
    @Test(arguments: ["sd1_t999", "sd1_fractional", "sd1_control"])
    func sd1LikeModelMatchesDiffusers(name: String) throws {
        let error = try UNetFixtures.error(of: UNetFixtures.sd1(), onCase: name)
        #expect(error < 2e-6)  // measured 5.2e-7 (t999), 4.1e-7 (fractional), 6.3e-7 (control)
    }

    /// SD 2.x-like, read from a pipeline folder: linear projections, per-level heads [1, 2, 4] (reversed on the
    /// up path), `transformer_layers_per_block` [2, 1, 1], two resnets per down block, the other sinusoid
    /// convention (flip_sin_to_cos false, freq_shift 1), and 9x7 latents, so both upsamplers resize to the odd
    /// skip sizes (3x2 -> 5x4 -> 9x7).
    @Test func sd2LikeModelOnOddLatentsMatchesDiffusers() throws {
        let model = try UNet2DConditionModel(contentsOf: UNetFixtures.sd2PipelineFolder())
        #expect(model.config.useLinearProjection)
        let error = try UNetFixtures.error(of: model, onCase: "sd2_odd")
        #expect(error < 2e-6)  // measured 5.3e-7
    }

    /// The time projection (`get_timestep_embedding`, float32 in diffusers too) and the time embedding MLP.
    @Test(arguments: [("sd1_t999", false), ("sd2_odd", true)])
    func timeEmbeddingMatchesDiffusers(name: String, isPipeline: Bool) throws {
        let fixture = try UNetFixtures.outputs()
        let model = isPipeline
            ? try UNet2DConditionModel(contentsOf: UNetFixtures.sd2PipelineFolder()) : try UNetFixtures.sd1()
        let time = model.encoder.timeEmbedding
        let timestep = try fixture.float(name + ".timestep")
        let projection = TimestepEmbedding.sinusoids(
            timestep: timestep, width: time.projectionWidth, flipSinToCos: time.flipSinToCos, freqShift: time.freqShift)
        let expectedProjection = try fixture.tensor(name + ".time_proj")
        let projectionError = maxRelativeError(concat([projection, projection], axis: 0), expectedProjection)
        let embeddingError = maxRelativeError(time(timestep: timestep, batch: 2), try fixture.tensor(name + ".time_embedding"))
        #expect(projectionError < 2e-7)  // measured 6.0e-8 (t 999), 0 (t 251): the float32 steps match torch's
        #expect(embeddingError < 5e-7)  // measured 1.7e-7 for both
    }
}

extension UNetParityTests {
    /// The less common settings (make_unet_fixtures.py VARIANTS): input centring, conv_in kernel 5 and conv_out
    /// kernel 1, downsample_padding 0 on 7x5 latents, layers_per_block [1, 2], time_embedding_dim 24 and
    /// norm_eps 1e-3 (which the transformers' own norms must not take).
    @Test func lessCommonSettingsMatchDiffusers() throws {
        let model = try UNet2DConditionModel(contentsOf: UNetFixtures.fixtures.url("UNet_variants"))
        #expect(model.config.centerInputSample && model.config.downsamplePadding == 0)
        let error = try UNetFixtures.error(of: model, onCase: "variants_odd")
        #expect(error < 2e-6)  // measured 2.6e-7 (0.38 with the centring left out)
    }
}
