import EaselImage

extension GenerationParameters {
    /// A unit as the A1111 ControlNet extension writes it in the infotext (`ControlNet 0: "Module: canny, Model:
    /// control_v11p_sd15_canny, Weight: 1, ..."`, the value JSON-quoted by `quote` as it holds commas), with the
    /// keys Easel has, in the extension's order. "Processor Res" only with a preprocessor (with pixel perfect,
    /// the resolution it computed for the `width` x `height` output).
    static func controlNetEntry(_ unit: ControlUnit, width: Int, height: Int) -> String {
        var pairs: [(String, String)] = [
            ("Module", unit.usesInpaintCondition ? "inpaint" : unit.preprocessor?.name ?? "none"),
            ("Model", unit.controlNet.name),
            ("Weight", format(unit.weight)),
            ("Resize Mode", unit.resizeMode.a1111Name),
        ]
        if let preprocessor = unit.preprocessor, !unit.usesInpaintCondition {
            let resolution = unit.detectResolution(width: width, height: height) ?? preprocessor.defaultDetectResolution
            pairs.append(("Processor Res", String(resolution)))
        }
        pairs += [
            ("Guidance Start", format(unit.guidanceStart)),
            ("Guidance End", format(unit.guidanceEnd)),
            ("Pixel Perfect", unit.pixelPerfect ? "True" : "False"),
            ("Control Mode", unit.controlMode.a1111Name),
        ]
        return pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
    }
}

extension ResizeMode {
    /// The name the A1111 ControlNet extension shows and writes ("Crop and Resize", its default).
    public var a1111Name: String {
        switch self {
        case .justResize: "Just Resize"
        case .cropAndResize: "Crop and Resize"
        case .resizeAndFill: "Resize and Fill"
        }
    }
}
