import AnnotatorCore
import ArgumentParser
import CannyAnnotator
import EaselImage
import Foundation
import ScribbleAnnotator

/// `easel annotate canny|scribble INPUT --output OUT`: makes a ControlNet condition map.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Make a ControlNet condition map from an image.",
        discussion: """
            canny: white Canny edges on black (controlnet_aux CannyDetector; --low/--high thresholds).
            scribble: white strokes on black from a drawing; dark-on-light drawings are inverted, \
            light-on-dark ones kept (--polarity to say which).
            INPUT may be PNG, JPEG, WebP or BMP; OUTPUT is written as PNG.
            """)

    /// The annotators this command offers, by the name users type.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case canny, scribble
    }

    @Argument(help: "Which annotator: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Kind

    @Argument(help: "The input image.")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the condition map (PNG).")
    var output: String

    @Option(help: "Detect resolution: the short side the annotator works at (default 512). The map comes back at this size.")
    var resolution: Int?

    @Option(help: "Canny: lower hysteresis threshold (default 100).")
    var low: Double?

    @Option(help: "Canny: upper hysteresis threshold (default 200).")
    var high: Double?

    @Option(help: "Scribble: automatic, dark-on-light or light-on-dark (default automatic).")
    var polarity: ScribblePolarityArgument?

    /// Largest detect resolution accepted: far above any ControlNet's training size, low enough that a
    /// typo cannot ask for gigabytes.
    static let maximumResolution = 8192

    func validate() throws {
        if let resolution, !(1...Self.maximumResolution).contains(resolution) {
            throw ValidationError("--resolution must be between 1 and \(Self.maximumResolution), got \(resolution)")
        }
        for (flag, value) in [("--low", low), ("--high", high)] {
            if let value, !(value.isFinite && value >= 0) {
                throw ValidationError("\(flag) must be a non-negative number, got \(value)")
            }
        }
        if kind != .canny, low != nil || high != nil {
            throw ValidationError("--low and --high apply to canny only")
        }
        if kind != .scribble, polarity != nil {
            throw ValidationError("--polarity applies to scribble only")
        }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if !ext.isEmpty, ext != "png" {
            throw ValidationError("--output must be a .png file (condition maps are written as PNG), got '\(output)'")
        }
    }

    func makeAnnotator() -> any Annotator {
        switch kind {
        case .canny: CannyAnnotator(low: low ?? 100, high: high ?? 200)
        case .scribble: ScribbleAnnotator(polarity: polarity?.polarity ?? .automatic)
        }
    }

    func run() throws {
        let image = try Image.load(from: URL(fileURLWithPath: input))
        let map = try makeAnnotator().annotate(image, options: AnnotationOptions(detectResolution: resolution))
        try map.writePNG(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(kind.rawValue), \(map.width)x\(map.height))")
    }
}

/// `--polarity` values, in the spelling of the command line.
enum ScribblePolarityArgument: String, ExpressibleByArgument, CaseIterable {
    case automatic
    case darkOnLight = "dark-on-light"
    case lightOnDark = "light-on-dark"

    var polarity: ScribbleAnnotator.Polarity {
        switch self {
        case .automatic: .automatic
        case .darkOnLight: .darkOnLight
        case .lightOnDark: .lightOnDark
        }
    }
}
