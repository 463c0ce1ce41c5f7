import Easel
import EaselDiffusion
import EaselImage
import EaselTestSupport
import Testing

/// What the pipeline refuses before any network runs, cancellation, and the defaults a request resolves to.
@Suite struct GenerationRequestTests {
    static func generate(_ change: (inout GenerationRequest) -> Void) throws -> GenerationResult {
        var request = GenerationRequest(prompt: "a cat")
        request.steps = 2
        change(&request)
        return try StableDiffusionPipeline(model: PipelineFixtures.model()).generate(request)
    }

    @Test func badSettingsAreRefused() throws {
        let image = try PipelineFixtures.initImage()
        let cases: [(String, (inout GenerationRequest) -> Void)] = [
            ("width", { $0.width = 60 }),
            ("height", { $0.height = 0 }),
            ("width", { $0.width = 8192 }),
            ("steps", { $0.steps = 0 }),
            ("guidance", { $0.guidanceScale = .nan }),
            ("clip skip", { $0.clipSkip = 0 }),
            ("clip skip", { $0.clipSkip = 4 }),  // the tiny text encoder has 3 layers
            ("strength", { $0.initImage = image; $0.strength = 0 }),
            ("strength", { $0.initImage = image; $0.strength = 1.5 }),
            ("runs no step", { $0.initImage = image; $0.strength = 0.2 }),
            ("Karras", { $0.sampler = .ddim; $0.karras = true }),
        ]
        for (mention, change) in cases {
            #expect {
                _ = try Self.generate(change)
            } throws: { error in
                guard case GenerationError.invalidRequest(let message) = error else { return false }
                return message.contains(mention)
            }
        }
    }

    @Test func cancellingStopsTheRun() throws {
        var request = GenerationRequest(prompt: "a cat")
        request.steps = 5
        var seen: [Int] = []
        #expect(throws: GenerationError.cancelled) {
            _ = try StableDiffusionPipeline(model: PipelineFixtures.model()).generate(request) { progress in
                seen.append(progress.step)
                return progress.step == 2 ? .cancel : .proceed
            }
        }
        #expect(seen == [0, 1, 2])
    }

    /// Without a size, text-to-image uses the UNet's sample size x 8 (the tiny model: 8 -> 64) and image-to-image
    /// the init image's size rounded down to a multiple of 8; the model's own scheduler (PNDM) is the sampler.
    @Test func defaultsResolveAsDiffusers() throws {
        let model = try PipelineFixtures.model()
        #expect(model.defaultImageSize == (64, 64))
        let result = try Self.generate { $0.seed = 3 }
        #expect(result.image.width == 64 && result.image.height == 64)
        #expect(result.parameters["Sampler"] == "PLMS")
        #expect(result.parameters["Size"] == "64x64")

        let odd = try PipelineFixtures.initImage().resized(width: 70, height: 61, resampler: .pillow(.lanczos))
        let fromImage = try Self.generate { $0.initImage = odd; $0.strength = 0.5; $0.steps = 4 }
        #expect(fromImage.image.width == 64 && fromImage.image.height == 56)
        #expect(fromImage.parameters["Denoising strength"] == "0.5")
    }

    /// The same request twice gives the same image; another seed another one.
    @Test func sameSeedSameImage() throws {
        let a = try Self.generate { $0.seed = 11 }
        let b = try Self.generate { $0.seed = 11 }
        let c = try Self.generate { $0.seed = 12 }
        #expect(a.image == b.image)
        #expect(a.image != c.image)
    }

    /// A1111's syntax and plain prompts agree on a prompt without syntax; weights change the image.
    @Test func promptSyntaxes() throws {
        let plain = try Self.generate { $0.seed = 5; $0.promptSyntax = .plain; $0.prompt = "a red house" }
        let a1111 = try Self.generate { $0.seed = 5; $0.promptSyntax = .a1111; $0.prompt = "a red house" }
        let weighted = try Self.generate { $0.seed = 5; $0.promptSyntax = .a1111; $0.prompt = "a (red:1.5) house" }
        #expect(plain.image == a1111.image)
        #expect(ImageDifference(weighted.image, a1111.image).map { $0.meanAbsolute > 1 } == true)
    }

    /// `--rng cuda` draws A1111's GPU seeds: another picture than the CPU generator's for the same seed.
    @Test func cudaSeedsDiffer() throws {
        let cpu = try Self.generate { $0.seed = 9 }
        let cuda = try Self.generate { $0.seed = 9; $0.randomSource = .cuda }
        #expect(cuda.parameters["RNG"] == "NV")
        #expect(ImageDifference(cpu.image, cuda.image).map { $0.meanAbsolute > 5 } == true)
    }
}
