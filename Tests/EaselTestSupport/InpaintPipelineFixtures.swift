import EaselImage
import Foundation

/// The fixtures of `Tests/Reference/make_inpaint_pipeline_fixtures.py`: a 9-channel inpainting UNet for the tiny
/// pipeline (`PipelineFixtures`), a soft-edged mask for `Pipeline_init.png`, and what diffusers 0.42.1's
/// `StableDiffusionInpaintPipeline` and `StableDiffusionControlNetInpaintPipeline` made with them. Shared by the
/// library's and the command line's tests.
public enum InpaintPipelineFixtures {
    public static let folder = FixtureFolder(Bundle.module, writtenBy: "make_inpaint_pipeline_fixtures.py")

    /// One diffusers call, as `InpaintPipeline_cases.json` records it.
    public struct Case: Decodable, CustomStringConvertible, Sendable {
        public var `case`: String
        /// The UNet's input channels: 9 (`InpaintPipeline_unet9`) or 4 (`Pipeline_tiny`'s own).
        public var unet: Int
        /// diffusers' scheduler, by Easel's sampler name.
        public var sampler: String
        public var seed: UInt64
        public var steps: Int
        public var cfg: Float
        public var strength: Double
        public var negative: String
        public var width: Int
        public var height: Int
        /// With `ControlPipeline_net_a` on the ControlNet v1.1 inpaint condition at this
        /// `controlnet_conditioning_scale`.
        public var control_scale: Float?

        public var description: String { self.case }
    }

    public static let prompt = "a photograph of an astronaut riding a horse, highly detailed"

    public static func cases() throws -> [Case] {
        try folder.decodeJSON([Case].self, from: "InpaintPipeline_cases.json")
    }

    public static let caseNames: [String] = (try? cases().map(\.case)) ?? []

    public static func `case`(named name: String) throws -> Case {
        guard let found = try cases().first(where: { $0.case == name }) else { throw folder.missing("case \(name)") }
        return found
    }

    /// The diffusers UNet folder with 9 input channels (float16 weights).
    public static func unet9Folder() throws -> URL { try folder.url("InpaintPipeline_unet9") }
    public static func maskURL() throws -> URL { try folder.url("InpaintPipeline_mask.png") }
    public static func maskImage() throws -> Image { try folder.image("InpaintPipeline_mask.png") }
    /// diffusers' image for a case.
    public static func expectedImage(_ name: String) throws -> Image { try folder.image("InpaintPipeline_\(name).png") }
}
