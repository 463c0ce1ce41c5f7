import ArgumentParser

/// `easel inspect PATH`: what a checkpoint file or model folder holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "List the tensors of a checkpoint or model folder.")

    func run() throws {
        throw ValidationError("inspect is not available yet")
    }
}
