import EaselImage
import Foundation

/// The `Fixtures` folder a test target copies into its bundle, as a script under `Tests/Reference/` wrote
/// it: files are looked up by name, and a missing one throws an error that says which script makes it.
public struct FixtureFolder: Sendable {
    public let bundle: Bundle
    /// The script under `Tests/Reference/` that writes the folder (e.g. "make_image_fixtures.py").
    public let script: String?

    public init(_ bundle: Bundle, writtenBy script: String? = nil) {
        self.bundle = bundle
        self.script = script
    }

    /// The URL of a file or folder under `Fixtures`.
    public func url(_ name: String) throws -> URL {
        guard let url = bundle.url(forResource: "Fixtures/" + name, withExtension: nil) else { throw missing(name) }
        return url
    }

    /// An image file under `Fixtures`, decoded by Easel.
    public func image(_ name: String) throws -> Image { try Image.load(from: url(name)) }

    /// A JSON file under `Fixtures` (a script's manifest, facts or cases), decoded as `type`.
    public func decodeJSON<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url(name)))
    }

    /// The error for a fixture (or a value in one) that is not there.
    public func missing(_ name: String) -> MissingFixture { MissingFixture(name: name, script: script) }
}

/// A fixture file, or a value a test needs in one, is missing: the script that writes it must be rerun.
public struct MissingFixture: Error, CustomStringConvertible {
    public let name: String
    public let script: String?

    public var description: String {
        "fixture \(name) is missing: run " + (script.map { "Tests/Reference/" + $0 } ?? "the script under Tests/Reference that writes it")
    }
}
