// Pose-guided generation: a figure posed by numbers (pose JSON in the A1111 ControlNet extension's format) is
// drawn as an OpenPose map, which guides Stable Diffusion through an openpose ControlNet. No photo is needed; edit
// the keypoints in the JSON to pose the figure. With --photo, the pose is detected from a photo instead.
//
//   swift run pose-guided --model SD15 --controlnet control_v11p_sd15_openpose.safetensors \
//       [--pose pose.json | --photo person.jpg --pose-model body_pose_model.pth] [--prompt ...] [--output out.png]
import ArgumentParser
import Easel
import EaselImage
import Foundation
import PoseAnnotator

@main
struct PoseGuided: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-guided", abstract: "Generate a figure in a given pose with an openpose ControlNet.")

    @Option(help: "A Stable Diffusion 1.x model: a diffusers folder or a single .safetensors/.ckpt checkpoint.")
    var model: String?

    @Option(help: "An openpose ControlNet: a diffusers folder or control_v11p_sd15_openpose.safetensors.")
    var controlnet: String?

    @Option(help: "The pose as JSON (default: the bundled figure with raised arms).")
    var pose: String?

    @Option(help: "Detect the pose from this photo instead (needs --pose-model).")
    var photo: String?

    @Option(help: "The OpenPose body model for --photo (body_pose_model.pth).")
    var poseModel: String?

    @Option(help: "Who stands in the pose.")
    var prompt = "an astronaut cheering with raised arms on the moon, highly detailed"

    @Option(help: "What to avoid.")
    var negativePrompt = "blurry, extra limbs, low quality"

    @Option(help: "The seed.")
    var seed: UInt64 = 7

    @Option(help: "Denoising steps.")
    var steps = 20

    @Option(help: "Width and height in pixels (a multiple of 8).")
    var size = 512

    @Option(help: "Where to write the picture (PNG); the pose map is written beside it as *-pose.png.")
    var output = "pose_guided.png"

    func validate() throws {
        guard model != nil, controlnet != nil else {
            throw ValidationError(
                "pose-guided needs two models that are not bundled: --model PATH (Stable Diffusion 1.x, e.g. "
                    + "v1-5-pruned-emaonly.safetensors or a diffusers folder) and --controlnet PATH (e.g. "
                    + "control_v11p_sd15_openpose.safetensors)")
        }
        if photo != nil, poseModel == nil { throw ValidationError("--photo needs --pose-model body_pose_model.pth") }
        if photo != nil, pose != nil { throw ValidationError("give --pose or --photo, not both") }
    }

    func run() throws {
        let map = try poseMap()
        let mapPath = URL(fileURLWithPath: output).deletingPathExtension().path + "-pose.png"
        try map.writePNG(to: URL(fileURLWithPath: mapPath))
        print("wrote \(mapPath) (the pose map)")

        let stableDiffusion = try StableDiffusionModel(contentsOf: URL(fileURLWithPath: model!))
        let net = try LoadedControlNet(contentsOf: URL(fileURLWithPath: controlnet!))
        var request = GenerationRequest(prompt: prompt)
        request.negativePrompt = negativePrompt
        request.seed = seed
        request.steps = steps
        request.width = size
        request.height = size
        // The map is already an OpenPose drawing: no preprocessor.
        request.controlUnits = [ControlUnit(controlNet: net, image: map)]

        let result = try StableDiffusionPipeline(model: stableDiffusion).generate(request) { progress in
            print("step \(progress.step)/\(progress.totalSteps)")
            return .proceed
        }
        try result.writePNG(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }

    /// The pose map: detected from --photo, or drawn from the JSON (bundled by default).
    func poseMap() throws -> Image {
        if let photo, let poseModel {
            let annotator = try PoseAnnotator(contentsOf: URL(fileURLWithPath: poseModel))
            return try annotator.annotate(try Image.load(from: URL(fileURLWithPath: photo)))
        }
        let url: URL
        if let pose {
            url = URL(fileURLWithPath: pose)
        } else if let bundled = Bundle.module.url(forResource: "Samples/pose_arms_up.json", withExtension: nil) {
            url = bundled
        } else {
            throw ValidationError("the bundled pose is missing from this build")
        }
        return try PoseDrawing.draw(PoseJSON.read(from: url))
    }
}
