import Foundation

/// Where an annotator's weight file is: an explicit path (`--model PATH`), or a models folder
/// (`--models DIR`, else the `EASEL_MODELS` environment variable) holding the file under its usual name.
public struct AnnotatorWeights: Sendable, Equatable {
    /// The environment variable naming the default models folder.
    public static let environmentVariable = "EASEL_MODELS"

    /// The annotator asking (for messages), e.g. "pose".
    public var annotator: String
    /// File names looked for in a models folder, in order (e.g. `body_pose_model.pth`, then `.safetensors`).
    public var fileNames: [String]
    /// What the file is, for messages: "the OpenPose body model (lllyasviel/Annotators)".
    public var description: String

    public init(annotator: String, fileNames: [String], description: String) {
        self.annotator = annotator
        self.fileNames = fileNames
        self.description = description
    }

    /// The weight file: `explicitPath` when given (it must exist), else the first of `fileNames` in
    /// `modelsFolder` or, when that is nil, in `environment[EASEL_MODELS]`.
    public func locate(explicitPath: String?, modelsFolder: String?,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let files = FileManager.default
        if let explicitPath {
            guard files.fileExists(atPath: explicitPath) else {
                throw AnnotatorWeightsError.missingFile(
                    annotator: annotator, path: explicitPath, expected: fileNames[0], description: description)
            }
            return URL(fileURLWithPath: explicitPath)
        }
        guard let folder = modelsFolder ?? environment[Self.environmentVariable], !folder.isEmpty else {
            throw AnnotatorWeightsError.noLocation(annotator: annotator, expected: fileNames[0], description: description)
        }
        let base = URL(fileURLWithPath: folder, isDirectory: true)
        for name in fileNames {
            let candidate = base.appendingPathComponent(name)
            if files.fileExists(atPath: candidate.path) { return candidate }
        }
        throw AnnotatorWeightsError.notInFolder(
            annotator: annotator, folder: folder, expected: fileNames, description: description)
    }
}

/// Why an annotator's weights were not found; each message names the file expected and what it is.
public enum AnnotatorWeightsError: Error, Equatable, CustomStringConvertible {
    case missingFile(annotator: String, path: String, expected: String, description: String)
    case noLocation(annotator: String, expected: String, description: String)
    case notInFolder(annotator: String, folder: String, expected: [String], description: String)

    public var description: String {
        switch self {
        case .missingFile(let annotator, let path, let expected, let what):
            "\(annotator): no weight file at '\(path)' (expected \(expected), \(what))"
        case .noLocation(let annotator, let expected, let what):
            "\(annotator) needs \(expected) (\(what)): pass --model PATH, or --models DIR "
                + "or \(AnnotatorWeights.environmentVariable)=DIR for a folder holding it"
        case .notInFolder(let annotator, let folder, let expected, let what):
            "\(annotator): '\(folder)' has no \(expected.joined(separator: " or ")) (\(what))"
        }
    }
}
