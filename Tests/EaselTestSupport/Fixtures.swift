import EaselCheckpoint
import EaselTensor
import Foundation

/// A fixture file made by a script under `Tests/Reference/`: a safetensors file whose tensors are the
/// inputs and the reference outputs, and whose `__metadata__` holds each case's parameters.
public struct ReferenceFixture {
    public let file: SafetensorsFile

    /// Opens `name` (e.g. "conv2d.safetensors") from the `Fixtures` folder of a test bundle.
    public init(_ name: String, in bundle: Bundle) throws {
        file = try SafetensorsFile(contentsOf: FixtureFolder(bundle).url(name))
    }

    public func tensor(_ name: String) throws -> Tensor { try file.tensor(named: name) }

    /// A metadata value; parameters are written by the scripts as strings.
    public func string(_ key: String) throws -> String {
        guard let value = file.metadata[key] else { throw FixtureError.missingMetadata(key) }
        return value
    }

    public func int(_ key: String) throws -> Int {
        guard let value = Int(try string(key)) else { throw FixtureError.missingMetadata(key) }
        return value
    }

    public func ints(_ key: String) throws -> [Int] {
        try string(key).split(separator: ",").map { part in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)) else { throw FixtureError.missingMetadata(key) }
            return n
        }
    }

    public func float(_ key: String) throws -> Float {
        guard let value = Float(try string(key)) else { throw FixtureError.missingMetadata(key) }
        return value
    }
}

public enum FixtureError: Error {
    case missingMetadata(String)
}
