// Pose-guided generation: a figure posed by numbers (pose JSON in the A1111 ControlNet extension's format) is
// drawn as an OpenPose map, which guides Stable Diffusion through an openpose ControlNet. No photo is needed; edit
// the keypoints in the JSON to pose the figure. With --photo, the pose is detected from a photo instead.
//
//   swift run pose-guided --model SD15 --controlnet control_v11p_sd15_openpose.safetensors \
//       [--pose pose.json | --photo person.jpg --pose-model body_pose_model.pth] [--prompt ...] [--output out.png]
import ArgumentParser
import Easel
import EaselImage
import ExampleSamples
import ExampleSupport
import Foundation
import PoseAnnotator

@main
struct PoseGuided: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-guided", abstract: "Generate a figure in a given pose with an openpose ControlNet.")

    @OptionGroup var common: ExampleGenerationOptions

    @Option(help: "An openpose ControlNet: a diffusers folder, or control_v11p_sd15_openpose (.safetensors or .pth).")
    var controlnet: String?

    @Option(help: "The pose as JSON (default: the bundled figure with raised arms).")
    var pose: String?

    @Option(help: "Detect the pose from this photo instead (needs --pose-model).")
    var photo: String?

    @Option(help: "The OpenPose body model for --photo (body_pose_model.pth).")
    var poseModel: String?

    func validate() throws {
        try ExampleGenerationOptions.require(
            [common.model, controlnet], example: "pose-guided",
            needs: ["--model PATH (Stable Diffusion 1.x, e.g. v1-5-pruned-emaonly.safetensors or a diffusers folder)",
                    "--controlnet PATH (e.g. control_v11p_sd15_openpose.safetensors)"])
        if photo != nil, poseModel == nil { throw ValidationError("--photo needs --pose-model body_pose_model.pth") }
        if photo != nil, pose != nil { throw ValidationError("give --pose or --photo, not both") }
    }

    func run() throws {
        let map = try poseMap()
        let mapPath = URL(fileURLWithPath: common.outputPath(default: "pose_guided.png")).deletingPathExtension().path
            + "-pose.png"
        try map.writePNG(to: URL(fileURLWithPath: mapPath))
        print("wrote \(mapPath) (the pose map)")

        let net = try LoadedControlNet(contentsOf: URL(fileURLWithPath: controlnet!))
        var request = common.request(prompt: "an astronaut cheering with raised arms on the moon, highly detailed", seed: 7)
        request.width = common.size ?? 512
        request.height = common.size ?? 512
        // The map is already an OpenPose drawing: no preprocessor.
        request.controlUnits = [ControlUnit(controlNet: net, image: map)]
        try common.generate(request, defaultOutput: "pose_guided.png")
    }

    /// The pose map: detected from --photo, or drawn from the JSON (bundled by default).
    func poseMap() throws -> Image {
        if let photo, let poseModel {
            let annotator = try PoseAnnotator(contentsOf: URL(fileURLWithPath: poseModel))
            return try annotator.annotate(try Image.load(from: URL(fileURLWithPath: photo)))
        }
        let url = try pose.map { URL(fileURLWithPath: $0) } ?? ExampleSamples.url("pose_arms_up.json")
        return try PoseDrawing.draw(PoseJSON.read(from: url))
    }
}
