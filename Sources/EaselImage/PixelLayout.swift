/// How the channels of one pixel are stored, interleaved: `gray` (1 byte), `rgb` (3), `rgba` (4).
public enum PixelLayout: String, Sendable, CaseIterable, CustomStringConvertible {
    case gray
    case rgb
    case rgba

    /// Bytes per pixel.
    public var channels: Int {
        switch self {
        case .gray: 1
        case .rgb: 3
        case .rgba: 4
        }
    }

    /// The layout with `channels` samples per pixel, if Easel has one.
    public init?(channels: Int) {
        switch channels {
        case 1: self = .gray
        case 3: self = .rgb
        case 4: self = .rgba
        default: return nil
        }
    }

    public var description: String { rawValue }
}
