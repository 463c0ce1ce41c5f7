import EaselImage
import Foundation

/// The fixtures of `Tests/Reference/make_controlnet_pipeline_fixtures.py`: two tiny ControlNet folders for the
/// tiny pipeline (`PipelineFixtures`), two condition images, and what diffusers 0.42.1's ControlNet pipelines made
/// with them. Shared by the library's and the command line's tests.
public enum ControlPipelineFixtures {
    public static let folder = FixtureFolder(Bundle.module, writtenBy: "make_controlnet_pipeline_fixtures.py")

    /// One diffusers call, as `ControlPipeline_cases.json` records it (snake_case as the script writes it).
    public struct Case: Decodable, CustomStringConvertible, Sendable {
        public var `case`: String
        /// diffusers' scheduler, by Easel's sampler name, with `_karras` for `use_karras_sigmas=True`.
        public var sampler: String
        public var seed: UInt64
        public var steps: Int
        public var cfg: Float
        public var negative: String
        public var width: Int
        public var height: Int
        /// The nets (`ControlPipeline_net_<name>`) and condition images (`ControlPipeline_cond_<name>.png`), one
        /// per unit, with each unit's `controlnet_conditioning_scale`, guidance start and end.
        public var nets: [String]
        public var images: [String]
        public var scales: [Float]
        public var starts: [Double]
        public var ends: [Double]
        /// Easel's control mode of every unit: balanced, guess, prompt or control.
        public var mode: String
        /// ControlNet image-to-image from `Pipeline_init.png` at this strength.
        public var strength: Double?
        /// Mean absolute difference, in levels, between diffusers' image and the same call without ControlNet.
        public var control_effect: Double

        public var description: String { self.case }

        public var samplerAndKarras: (sampler: String, karras: Bool) {
            sampler.hasSuffix("_karras") ? (String(sampler.dropLast("_karras".count)), true) : (sampler, false)
        }
    }

    public static let prompt = "a photograph of an astronaut riding a horse, highly detailed"

    public static func cases() throws -> [Case] {
        try folder.decodeJSON([Case].self, from: "ControlPipeline_cases.json")
    }

    public static let caseNames: [String] = (try? cases().map(\.case)) ?? []

    public static func `case`(named name: String) throws -> Case {
        guard let found = try cases().first(where: { $0.case == name }) else { throw folder.missing("case \(name)") }
        return found
    }

    /// The diffusers ControlNet folder `ControlPipeline_net_<name>`.
    public static func netFolder(_ name: String) throws -> URL { try folder.url("ControlPipeline_net_\(name)") }
    public static func conditionURL(_ name: String) throws -> URL { try folder.url("ControlPipeline_cond_\(name).png") }
    public static func condition(_ name: String) throws -> Image { try folder.image("ControlPipeline_cond_\(name).png") }
    /// diffusers' image for a case.
    public static func expectedImage(_ name: String) throws -> Image { try folder.image("ControlPipeline_\(name).png") }
}
