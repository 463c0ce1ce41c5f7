import EaselImage
import Foundation

/// The end-to-end fixtures of `Tests/Reference/make_pipeline_fixtures.py`, kept here so the library's and the
/// command line's tests share one copy: a tiny random SD 1.x pipeline folder (and the same networks as one
/// float16 LDM file), an init image, and what diffusers 0.42.1 made with them.
public enum PipelineFixtures {
    public static let folder = FixtureFolder(Bundle.module, writtenBy: "make_pipeline_fixtures.py")

    /// One diffusers call, as `Pipeline_cases.json` records it (snake_case as the script writes it).
    public struct Case: Decodable, CustomStringConvertible, Sendable {
        public var `case`: String
        /// diffusers' scheduler, by Easel's sampler name, with `_karras` for `use_karras_sigmas=True`.
        public var sampler: String
        public var seed: UInt64
        public var steps: Int
        public var cfg: Float
        public var prompt: String
        public var negative: String
        public var width: Int
        public var height: Int
        /// Image-to-image (from `Pipeline_init.png`) at this strength.
        public var strength: Double?
        /// diffusers' `clip_skip` (A1111's clip skip minus 1).
        public var clip_skip: Int?
        /// diffusers ran with `vae.enable_tiling()`.
        public var vae_tiling: Bool?
        /// Run on the float16 single file `Pipeline_tiny_ldm.safetensors` (configured by `Pipeline_tiny`).
        public var single_file: Bool?

        public var description: String { self.case }

        /// The sampler name without the Karras suffix, and whether it had one.
        public var samplerAndKarras: (sampler: String, karras: Bool) {
            sampler.hasSuffix("_karras") ? (String(sampler.dropLast("_karras".count)), true) : (sampler, false)
        }
    }

    public static func cases() throws -> [Case] {
        try folder.decodeJSON([Case].self, from: "Pipeline_cases.json")
    }

    /// The case names, for parameterised tests (read at test discovery; empty when the fixture is missing, which
    /// the suites' count checks then report).
    public static let caseNames: [String] = (try? cases().map(\.case)) ?? []

    public static func `case`(named name: String) throws -> Case {
        guard let found = try cases().first(where: { $0.case == name }) else { throw folder.missing("case \(name)") }
        return found
    }

    /// The diffusers folder `Pipeline_tiny`.
    public static func modelFolder() throws -> URL { try folder.url("Pipeline_tiny") }
    /// The same networks as one float16 LDM-layout checkpoint.
    public static func singleFile() throws -> URL { try folder.url("Pipeline_tiny_ldm.safetensors") }
    public static func initImageURL() throws -> URL { try folder.url("Pipeline_init.png") }
    public static func initImage() throws -> Image { try folder.image("Pipeline_init.png") }
    /// diffusers' image for a case.
    public static func expectedImage(_ name: String) throws -> Image { try folder.image("Pipeline_\(name).png") }
}
