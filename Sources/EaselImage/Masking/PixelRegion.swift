/// A pixel rectangle `[x1, x2) x [y1, y2)`, PIL's box `(x1, y1, x2, y2)` (right and bottom exclusive): the
/// regions A1111's `masking.get_crop_region` / `expand_crop_region` return.
public struct PixelRegion: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var x1: Int
    public var y1: Int
    public var x2: Int
    public var y2: Int

    public init(x1: Int, y1: Int, x2: Int, y2: Int) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }

    public var width: Int { x2 - x1 }
    public var height: Int { y2 - y1 }

    public var description: String { "(\(x1), \(y1), \(x2), \(y2))" }
}
