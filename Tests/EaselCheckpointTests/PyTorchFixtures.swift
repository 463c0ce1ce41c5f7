import EaselTestSupport
import Foundation

/// The files Tests/Reference/make_pytorch_checkpoint_fixtures.py wrote into this target's `Fixtures`.
let pyTorchFixtures = FixtureFolder(.module, writtenBy: "make_pytorch_checkpoint_fixtures.py")

/// `PyTorch_cases.json`: what torch reports for each fixture file, and the global each hostile file names.
struct PyTorchCases: Decodable {
    struct TensorCase: Decodable {
        var dtype: String
        var shape: [Int]
        var strides: [Int]
        var storage_offset: Int
    }

    struct FileCase: Decodable {
        var file: String
        var layout: String
        var metadata: [String: String]
        var tensors: [String: TensorCase]
    }

    struct HostileCase: Decodable {
        var file: String
        var global: String
    }

    var files: [FileCase]
    var hostile: [HostileCase]

    static func load() throws -> PyTorchCases {
        try pyTorchFixtures.decodeJSON(PyTorchCases.self, from: "PyTorch_cases.json")
    }
}

/// torch's dtype names and the element types Easel lists them as.
let torchDtypeNames: [String: String] = [
    "float32": "F32", "float16": "F16", "bfloat16": "BF16", "float64": "F64", "int64": "I64", "int32": "I32",
    "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL", "float8_e4m3fn": "F8_E4M3", "uint16": "U16",
]
