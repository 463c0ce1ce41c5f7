import ArgumentParser
import EaselCheckpoint
import Foundation

/// `easel inspect PATH`: what a checkpoint file or model folder holds: per component its tensors (name,
/// dtype, shape), parameter count, and which known network it is.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors of a checkpoint or model folder and identify the model.",
        discussion: """
            PATH is a .safetensors file, a diffusers pipeline folder (model_index.json), a diffusers \
            component folder (config.json with its weights, e.g. a ControlNet), or a folder of .safetensors \
            files, or a single PyTorch checkpoint (.ckpt, .pth, .pt, .bin), read without running its pickle.
            """)

    @Argument(help: "The checkpoint file or model folder.")
    var path: String

    @Flag(help: "Print only each component's totals and identification, not every tensor.")
    var summary = false

    @Option(help: "The diffusers weight variant to read (e.g. fp16); components without it read their default weights.")
    var variant: String?

    func run() throws {
        // Failures propagate to CommandLineRunner, which prints them as one `easel: error:` line, exit 1.
        let inventory = try CheckpointInventory(contentsOf: URL(fileURLWithPath: path), variant: variant)
        print(InspectReport.render(inventory, summary: summary), terminator: "")
    }
}
