import ArgumentParser

/// `easel annotate canny|scribble INPUT --output OUT`: makes a ControlNet condition map.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate", abstract: "Make a ControlNet condition map from an image.")

    func run() throws {
        throw ValidationError("annotate is not available yet")
    }
}
