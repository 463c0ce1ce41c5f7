import Foundation

/// Why segmentation could not run on an input, or where the model is not.
public enum SegmentationError: Error, Equatable, CustomStringConvertible {
    /// The pixel values or image do not fit the network (wrong channels, smaller than its total stride).
    case invalidInput(String)
    /// Nothing at the model path; says what should be there.
    case modelNotFound(path: String)

    public var description: String {
        switch self {
        case .invalidInput(let message): "segmentation: \(message)"
        case .modelNotFound(let path):
            "no segmentation model at \(path): expected an UperNet + ConvNeXt ADE20K model folder (config.json, "
                + "model.safetensors and preprocessor_config.json, e.g. a download of openmmlab/upernet-convnext-small) "
                + "or its weight file"
        }
    }
}
