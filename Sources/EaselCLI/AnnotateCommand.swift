import AnnotatorCore
import ArgumentParser
import CannyAnnotator
import DepthAnnotator
import EaselImage
import Foundation
import PoseAnnotator
import ScribbleAnnotator
import SegmentationAnnotator

/// `easel annotate canny|scribble|pose|depth|seg INPUT --output OUT`: makes a ControlNet condition map;
/// `easel annotate pose --from-json POSE.json --output OUT` draws a pose map from pose JSON alone.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Make a ControlNet condition map from an image.",
        discussion: """
            canny: white Canny edges on black (controlnet_aux CannyDetector; --low/--high thresholds).
            scribble: white strokes on black from a drawing; dark-on-light drawings are inverted, \
            light-on-dark ones kept (--polarity to say which).
            pose: the OpenPose body skeleton (controlnet_aux OpenposeDetector); needs body_pose_model.pth \
            (--model PATH, or --models DIR / EASEL_MODELS); --json writes the pose in the A1111 ControlNet \
            extension's JSON format; --from-json POSE.json draws such a file with no photo.
            depth: near is bright (controlnet_aux MidasDetector with MiDaS DPT-hybrid, or --depth-model \
            depth_anything as A1111's preprocessor); --normal gives the normal map instead; needs \
            dpt_hybrid-midas-501f0c75.pt or a depth-anything-*-hf folder (--model PATH, or --models DIR / EASEL_MODELS).
            seg: ADE20K classes painted in the ControlNet seg palette (UperNet + ConvNeXt-small); needs the \
            upernet-convnext-small model folder (--model PATH, or --models DIR / EASEL_MODELS).
            INPUT may be PNG, JPEG, WebP or BMP; OUTPUT is written as PNG.
            """)

    /// The annotators this command offers, by the name users type.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case canny, scribble, pose, depth, seg

        /// Whether the annotator is a network whose weights the user brings (--model / --models).
        var needsWeights: Bool { self == .pose || self == .depth || self == .seg }
    }

    @Argument(help: "Which annotator: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Kind

    @Argument(help: "The input image (not with --from-json).")
    var input: String?

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

    @Option(help: "Depth: midas (DPT-hybrid, default) or depth_anything.")
    var depthModel: DepthModelArgument?

    @Flag(help: "Depth: the normal map instead of the depth map.")
    var normal = false

    @Option(help: "Pose, depth, seg: the weights (body_pose_model.pth; dpt_hybrid-midas-501f0c75.pt; the upernet-convnext-small folder).")
    var model: String?

    @Option(help: "Pose, seg: a folder holding those weights under their usual names (default: $\(AnnotatorWeights.environmentVariable)).")
    var models: String?

    @Option(help: "Pose: also write the detected pose as JSON (A1111 ControlNet extension format).")
    var json: String?

    @Option(name: .customLong("from-json"), help: "Pose: draw this pose JSON instead of detecting (no INPUT).")
    var fromJSON: String?

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
        if !kind.needsWeights, model != nil || models != nil {
            throw ValidationError("--model and --models apply to pose, depth and seg only")
        }
        if kind != .depth, depthModel != nil || normal {
            throw ValidationError("--depth-model and --normal apply to depth only")
        }
        if kind != .pose, json != nil || fromJSON != nil {
            throw ValidationError("--json and --from-json apply to pose only")
        }
        if fromJSON != nil {
            if input != nil { throw ValidationError("give either INPUT or --from-json, not both") }
            if model != nil || models != nil || json != nil || resolution != nil {
                throw ValidationError("--from-json draws the file at its canvas size; --model, --models, --json and --resolution do not apply")
            }
        } else if input == nil {
            throw ValidationError(kind == .pose ? "missing INPUT (or --from-json POSE.json)" : "missing INPUT")
        }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if !ext.isEmpty, ext != "png" {
            throw ValidationError("--output must be a .png file (condition maps are written as PNG), got '\(output)'")
        }
    }

    func makeAnnotator() throws -> any Annotator {
        switch kind {
        case .canny: CannyAnnotator(low: low ?? 100, high: high ?? 200)
        case .scribble: ScribbleAnnotator(polarity: polarity?.polarity ?? .automatic)
        case .pose: try AnnotatorFactory.pose(model: model, models: models)
        case .depth:
            try AnnotatorFactory.depth(kind: depthModel?.kind ?? .midas, normal: normal, model: model, models: models)
        case .seg: try AnnotatorFactory.segmentation(model: model, models: models)
        }
    }

    func run() throws {
        if let fromJSON {
            let figure = try PoseJSON.read(from: URL(fileURLWithPath: fromJSON))
            let map = try PoseDrawing.draw(figure)
            try map.writePNG(to: URL(fileURLWithPath: output))
            print("wrote \(output) (pose from \(fromJSON), \(figure.people.count) people, \(map.width)x\(map.height))")
            return
        }
        // validate() has checked that INPUT is given without --from-json.
        let image = try Image.load(from: URL(fileURLWithPath: input ?? ""))
        let options = AnnotationOptions(detectResolution: resolution)
        if kind == .pose {
            let (map, figure) = try AnnotatorFactory.pose(model: model, models: models).annotateWithPose(image, options: options)
            try map.writePNG(to: URL(fileURLWithPath: output))
            if let json {
                try PoseJSON.encode(figure).write(to: URL(fileURLWithPath: json), options: .atomic)
            }
            print("wrote \(output) (pose, \(figure.people.count) people, \(map.width)x\(map.height))"
                + (json.map { "; pose JSON \($0)" } ?? ""))
            return
        }
        let map = try makeAnnotator().annotate(image, options: options)
        try map.writePNG(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(kind.rawValue), \(map.width)x\(map.height))")
    }
}

/// `--depth-model` values.
enum DepthModelArgument: String, ExpressibleByArgument, CaseIterable {
    case midas
    case depthAnything = "depth_anything"

    var kind: DepthAnnotator.Kind { self == .midas ? .midas : .depthAnything }
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
