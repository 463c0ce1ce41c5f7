import EaselCheckpoint
import EaselDiffusion
import Foundation

/// A ControlNet loaded once and shared: any number of `ControlUnit`s and requests can point at the same
/// instance without copying its weights, and two units use the same model exactly when they hold the same
/// instance (the identity `==` compares). `name` is what the PNG infotext calls it (A1111's "Model:").
public final class LoadedControlNet: Sendable {
    public let model: ControlNetModel
    /// The file name without its extension, or the folder's name (e.g. "control_v11p_sd15_canny").
    public let name: String

    public init(_ model: ControlNetModel, name: String) {
        self.model = model
        self.name = name
    }

    /// Loads a diffusers ControlNet folder (or a pipeline folder's `controlnet/`) or a ControlNet v1.1 single
    /// `.safetensors` file, as `ControlNetModel(contentsOf:)` / `ControlNetModel(singleFile:)` do.
    public convenience init(contentsOf url: URL, variant: String? = nil) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw CheckpointError.unreadable(path: url.path, reason: "no such file or folder")
        }
        if isFolder.boolValue {
            self.init(try ControlNetModel(contentsOf: url, variant: variant), name: url.lastPathComponent)
        } else {
            self.init(try ControlNetModel(singleFile: url), name: url.deletingPathExtension().lastPathComponent)
        }
    }
}

extension LoadedControlNet: Equatable {
    public static func == (lhs: LoadedControlNet, rhs: LoadedControlNet) -> Bool { lhs === rhs }
}
