import EaselTensor
import EaselTestSupport
import Foundation

/// The cases of one fixture written by `Tests/Reference/make_tensor_op_fixtures.py`: metadata "cases"
/// lists them; case `c` keeps its tensors as "c.x", "c.out", ... and its parameters as "c.<param>".
struct OpCases {
    let fixture: ReferenceFixture

    init(_ file: String) throws {
        fixture = try ReferenceFixture(file + ".safetensors", in: .module)
    }

    var names: [String] {
        get throws { try fixture.string("cases").split(separator: ",").map(String.init) }
    }

    /// Tensor `key` of case `name`. An input shared with an earlier case is stored once, and this case's
    /// metadata names it instead.
    func tensor(_ name: String, _ key: String) throws -> Tensor {
        if let shared = fixture.file.metadata["\(name).\(key)"] { return try fixture.tensor(shared) }
        return try fixture.tensor("\(name).\(key)")
    }

    func string(_ name: String, _ param: String) throws -> String { try fixture.string("\(name).\(param)") }
    func int(_ name: String, _ param: String) throws -> Int { try fixture.int("\(name).\(param)") }
    func ints(_ name: String, _ param: String) throws -> [Int] { try fixture.ints("\(name).\(param)") }
    func float(_ name: String, _ param: String) throws -> Float { try fixture.float("\(name).\(param)") }
    func bool(_ name: String, _ param: String) throws -> Bool { try int(name, param) != 0 }
    func doubles(_ name: String, _ param: String) throws -> [Double] {
        try string(name, param).split(separator: ",").map { part in
            guard let value = Double(part) else { throw FixtureError.missingMetadata("\(name).\(param)") }
            return value
        }
    }
}

/// Prints a measured error so test logs show the margin under each tolerance.
func report(_ suite: String, _ name: String, _ error: Float) {
    print("[\(suite)] \(name): max relative error \(error)")
}
