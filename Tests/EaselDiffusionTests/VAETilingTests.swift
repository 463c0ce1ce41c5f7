import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Testing

/// Tiled encode / decode against diffusers' `enable_tiling()` (`_tiled_encode`, `tiled_decode`), on the
/// three_level model whose sample_size 32 makes tiles of 32 pixels / 8 latents: an 80x56 image is 4 x 3 tiles
/// (the last row and column partial), its 20x14 latents 4 x 3 tiles.
@Suite struct VAETilingTests {
    /// Max relative error allowed. Measured (debug build, this machine): mean 8.6e-7, logvar 7.1e-7,
    /// decoded 1.1e-6 (float64 references; PyTorch's own float32 untiled decode is 1.3e-6 from its reference).
    static let tolerance: Float = 2e-6

    @Test func defaultTilingIsDiffusers() throws {
        let vae = try VAEFixtures.model("three_level")
        #expect(vae.defaultTiling == VAETiling(sampleTileSize: 32, latentTileSize: 8, overlapFactor: 0.25))
        var sd = AutoencoderKLConfig()
        sd.blockOutChannels = [128, 256, 512, 512]
        sd.sampleSize = 512
        #expect(VAETiling(config: sd) == VAETiling(sampleTileSize: 512, latentTileSize: 64))
        // diffusers tiles only when a side is larger than the tile.
        let tiling = vae.defaultTiling
        #expect(!tiling.tilesImage(height: 32, width: 32))
        #expect(tiling.tilesImage(height: 32, width: 33))
        #expect(!tiling.tilesLatents(height: 8, width: 8))
        #expect(tiling.tilesLatents(height: 9, width: 1))
    }

    @Test func tiledEncodeMatchesDiffusers() throws {
        let fixture = try VAEFixtures.outputs()
        let vae = try VAEFixtures.model("three_level")
        let posterior = try vae.encode(try fixture.tensor("three_level.tiled_image"), tiling: vae.defaultTiling)
        for (label, actual) in [("mean", posterior.mean), ("logvar", posterior.logvar)] {
            let error = maxRelativeError(actual, try fixture.tensor("three_level.tiled_" + label))
            print("VAE tiled \(label): \(error)")
            #expect(error <= Self.tolerance, "tiled \(label)")
        }
    }

    @Test func tiledDecodeMatchesDiffusers() throws {
        let fixture = try VAEFixtures.outputs()
        let vae = try VAEFixtures.model("three_level")
        let decoded = try vae.decode(try fixture.tensor("three_level.tiled_latents"), tiling: vae.defaultTiling)
        let error = maxRelativeError(decoded, try fixture.tensor("three_level.tiled_decoded"))
        print("VAE tiled decoded: \(error)")
        #expect(error <= Self.tolerance)
    }

    /// Tiles that would not advance are an error, not a trap (sizes may come from a config's sample_size).
    @Test func degenerateTilingThrows() throws {
        let vae = try VAEFixtures.model("plain")
        let latents = Tensor(zeros: [1, 2, 4, 4])
        #expect(throws: AutoencoderKLError.self) { try vae.decode(latents, tiling: VAETiling(sampleTileSize: 8, latentTileSize: 1)) }
        #expect(throws: AutoencoderKLError.self) {
            try vae.decode(latents, tiling: VAETiling(sampleTileSize: 8, latentTileSize: 2, overlapFactor: 1))
        }
        #expect(throws: AutoencoderKLError.self) { try vae.encode(Tensor(zeros: [1, 3, 8, 8]), tiling: VAETiling(sampleTileSize: 1, latentTileSize: 4)) }
        #expect(throws: Never.self) { try VAETiling(sampleTileSize: 2, latentTileSize: 2).validate() }
    }

    /// Inputs no larger than a tile are not tiled: the result is the untiled one, exactly.
    @Test func smallInputsAreNotTiled() throws {
        let fixture = try VAEFixtures.outputs()
        let vae = try VAEFixtures.model("three_level")
        let image = try fixture.tensor("three_level.image")  // 44x28 image, 11x7 latents
        let tiling = VAETiling(sampleTileSize: 44, latentTileSize: 11)
        #expect(try vae.encode(image, tiling: tiling).mean == vae.encode(image).mean)
        let latents = try fixture.tensor("three_level.latents")
        #expect(try vae.decode(latents, tiling: tiling) == vae.decode(latents))
    }
}
