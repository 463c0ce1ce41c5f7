import ArgumentParser

/// `easel`: the root command. Subcommands live one per file.
public struct EaselCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "easel",
        abstract: "Condition maps and controlled Stable Diffusion on the CPU.",
        subcommands: [GenerateCommand.self, AnnotateCommand.self, InspectCommand.self, BenchCommand.self])

    public init() {}
}
