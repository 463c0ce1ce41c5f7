import AnnotatorCore
import ArgumentParser
import CannyAnnotator
import Easel
import EaselImage
import Foundation
import ScribbleAnnotator

/// One `--control model=PATH,image=PATH[,preprocessor=canny|scribble|pose|depth|depth_anything|normal|seg|inpaint]
/// [,weight=X][,start=X][,end=X]
/// [,mode=balanced|prompt|control][,resize=just|crop|fill][,resolution=N][,pixel_perfect=true]` value (DESIGN.md's
/// contract, plus A1111's preprocessor resolution and pixel perfect), checked as a usage
/// matter: an unknown key, a value that is not a number, start > end or a missing model or image is a
/// `ValidationError` (exit 2); the files are read later (exit 1 when they cannot be).
struct ControlSpec: Equatable {
    var model: String
    /// The condition image; nil only with the inpaint preprocessor, whose condition comes from the init image
    /// and mask.
    var image: String?
    var preprocessor: Preprocessor?
    var weight: Float = 1
    var start: Double = 0
    var end: Double = 1
    var mode: ControlMode = .balanced
    var resize: ResizeMode = .cropAndResize
    /// The preprocessor's detect resolution (A1111's "Preprocessor Resolution"); nil: the annotator's default.
    var resolution: Int?
    /// A1111's "Pixel Perfect": the preprocessor resolution from the output size.
    var pixelPerfect = false

    enum Preprocessor: String, CaseIterable {
        case canny, scribble, pose, seg
        /// MiDaS depth, Depth Anything depth, and the MiDaS normal map (A1111's depth_midas, depth_anything,
        /// normal_midas).
        case depth, depthAnything = "depth_anything", normal
        /// ControlNet v1.1 inpaint: the condition is the init image with the masked pixels at -1
        /// (`ControlUnit.usesInpaintCondition`); needs `--mask` or `--extend`.
        case inpaint

        /// The annotator with `easel annotate`'s defaults (nil for inpaint, which is no annotator); the networks'
        /// weights come from the models folder (`EASEL_MODELS`), as `easel annotate` finds them.
        func makeAnnotator() throws -> (any Annotator)? {
            switch self {
            case .canny: CannyAnnotator(low: 100, high: 200)
            case .scribble: ScribbleAnnotator(polarity: .automatic)
            case .pose: try AnnotatorFactory.pose()
            case .seg: try AnnotatorFactory.segmentation()
            case .depth, .depthAnything, .normal:
                try AnnotatorFactory.depth(kind: self == .depthAnything ? .depthAnything : .midas, normal: self == .normal)
            case .inpaint: nil
            }
        }
    }

    static let keys = [
        "model", "image", "preprocessor", "weight", "start", "end", "mode", "resize", "resolution", "pixel_perfect",
    ]
    static let modes: [String: ControlMode] = [
        "balanced": .balanced, "prompt": .promptMoreImportant, "control": .controlNetMoreImportant, "guess": .guess,
    ]
    static let resizeModes: [String: ResizeMode] = ["just": .justResize, "crop": .cropAndResize, "fill": .resizeAndFill]

    init(parsing text: String) throws {
        func fail(_ message: String) -> ValidationError { ValidationError("--control '\(text)': \(message)") }
        var values: [String: String] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail("'\(item)' is not key=value") }
            let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard Self.keys.contains(key) else {
                throw fail("unknown key '\(key)' (keys: \(Self.keys.joined(separator: ", ")))")
            }
            guard values[key] == nil else { throw fail("'\(key)' given twice") }
            values[key] = String(parts[1])
        }
        guard let model = values["model"], !model.isEmpty else { throw fail("model=PATH is required") }
        let image = values["image"]
        guard (image.map { !$0.isEmpty } ?? false) || values["preprocessor"] == "inpaint" else {
            throw fail("image=PATH is required")
        }
        self.model = model
        self.image = image
        if let name = values["preprocessor"], name != "none" {
            guard let preprocessor = Preprocessor(rawValue: name) else {
                throw fail("unknown preprocessor '\(name)' (none, \(Preprocessor.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.preprocessor = preprocessor
        }
        func number(_ key: String) throws -> Double? {
            guard let value = values[key] else { return nil }
            guard let number = Double(value), number.isFinite else { throw fail("\(key) must be a number, got '\(value)'") }
            return number
        }
        if let weight = try number("weight") { self.weight = Float(weight) }
        start = try number("start") ?? 0
        end = try number("end") ?? 1
        guard start >= 0, end <= 1, start <= end else {
            throw fail("start and end must satisfy 0 <= start <= end <= 1, got \(start) and \(end)")
        }
        if let name = values["mode"] {
            guard let mode = Self.modes[name] else { throw fail("unknown mode '\(name)' (balanced, prompt, control, guess)") }
            self.mode = mode
        }
        if let value = values["resolution"] {
            guard let resolution = Int(value), (64...8192).contains(resolution) else {
                throw fail("resolution must be a whole number of pixels from 64 to 8192, got '\(value)'")
            }
            self.resolution = resolution
        }
        if let value = values["pixel_perfect"] {
            guard let flag = ["true": true, "yes": true, "1": true, "false": false, "no": false, "0": false][value.lowercased()]
            else { throw fail("pixel_perfect is true or false, got '\(value)'") }
            pixelPerfect = flag
        }
        if (resolution != nil || pixelPerfect) && (preprocessor == nil || preprocessor == .inpaint) {
            throw fail("resolution and pixel_perfect set the preprocessor's detect resolution; name a preprocessor")
        }
        if let name = values["resize"] {
            guard let resize = Self.resizeModes[name] else { throw fail("unknown resize '\(name)' (just, crop, fill)") }
            self.resize = resize
        }
    }

    /// The unit, with its condition image read from `image`, `net` already loaded and `annotator` made for
    /// `preprocessor` (nets and annotators are made once however many units use them).
    func makeUnit(net: LoadedControlNet, image: Image, annotator: (any Annotator)?) -> ControlUnit {
        var unit = ControlUnit(controlNet: net, image: image)
        unit.preprocessor = annotator
        unit.usesInpaintCondition = preprocessor == .inpaint
        unit.weight = weight
        unit.guidanceStart = start
        unit.guidanceEnd = end
        unit.controlMode = mode
        unit.resizeMode = resize
        unit.preprocessorResolution = resolution
        unit.pixelPerfect = pixelPerfect
        return unit
    }
}
