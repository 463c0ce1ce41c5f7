extension CanvasFill {
    /// The fill named as on Easel's command line (`--extend-fill edge|mirror|noise|gray`); `seed` is used by
    /// `noise`. Nil for an unknown name.
    public init?(name: String, seed: UInt64 = 0) {
        switch name {
        case "edge": self = .edge
        case "mirror": self = .mirror
        case "noise": self = .noise(seed: seed)
        case "gray", "grey": self = .gray
        default: return nil
        }
    }
}

extension InpaintArea {
    /// The area named as on Easel's command line (`--inpaint-area whole|masked`), with the only-masked padding.
    /// Nil for an unknown name.
    public init?(name: String, padding: Int = 32) {
        switch name {
        case "whole": self = .wholePicture
        case "masked": self = .onlyMasked(padding: padding)
        default: return nil
        }
    }
}
