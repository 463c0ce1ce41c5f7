import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

/// The reader accepts exactly the files the reference implementation accepts (`header_cases.json`,
/// verdicts from `safetensors.deserialize`), and its errors name the file and say what is wrong.
@Suite struct SafetensorsValidationTests {
    struct Case: Decodable {
        var name: String
        var bytes: String
        var reference_accepts: Bool
        var reference_error: String
    }

    struct Manifest: Decodable {
        var reference: String
        var cases: [Case]
    }

    /// What Easel's message must say for each file the reference rejects.
    static let expectedReasons: [String: String] = [
        "empty_file": "the file is 0 bytes, shorter than the 8-byte header length",
        "shorter_than_length": "the file is 3 bytes",
        "header_length_huge": "header length 4611686018427387904 exceeds the limit of 100000000 bytes",
        "header_length_over_limit": "header length 100000001 exceeds the limit",
        "header_length_past_eof": "header length 100 runs past the end of the 10-byte file",
        "not_json": "not well-formed JSON: expected a string key",
        "json_array": "its header is [1, 2], not a JSON object",
        "json_string": "its header is \"hello\", not a JSON object",
        "trailing_characters": "unexpected characters after the JSON value",
        "trailing_nul_padding": "unexpected characters after the JSON value",
        "byte_order_mark": "not well-formed JSON: unexpected character",
        "trailing_comma": "not well-formed JSON: expected a string key",
        "non_utf8_header": "its header is not valid UTF-8 (bad byte at header offset 2)",
        "lone_surrogate": "lone leading surrogate",
        "control_character_in_name": "control character in a string",
        "nesting_128": "nested more than 127 levels deep",
        "unknown_dtype": "tensor 'a' has the unknown dtype \"F17\"",
        "lowercase_dtype": "unknown dtype \"f32\"",
        "dtype_not_string": "tensor 'a' has dtype 1, not a string",
        "negative_shape": "tensor 'a' has shape [-1]: extents must be non-negative integers",
        "negative_zero_shape": "has shape [-0]: extents must be non-negative integers",
        "float_shape": "has shape [1.0]: extents must be non-negative integers",
        "exponent_shape": "has shape [1e0]: extents must be non-negative integers",
        "string_shape": "has shape [\"1\"]: extents must be non-negative integers",
        "shape_not_array": "tensor 'a' has shape 1, not an array",
        "missing_shape": "tensor 'a' has no shape",
        "missing_dtype": "tensor 'a' has no dtype",
        "missing_offsets": "tensor 'a' has no data_offsets",
        "three_offsets": "data_offsets [0, 4, 8]: expected two non-negative integers",
        "duplicate_field": "tensor 'a' has the field 'dtype' twice",
        "tensor_not_object": "the entry for tensor 'a' is 5, not an object",
        "offsets_reversed": "data_offsets [4, 0] that run backwards",
        "offsets_past_end": "its tensors need 8 bytes of data but only 4 follow the header (truncated file?)",
        "truncated_data": "its tensors need 16 bytes of data but only 13 follow the header (truncated file?)",
        "offset_too_large": "expected two non-negative integers",
        "overlapping_tensors": "tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)",
        "gap_between_tensors": "tensor 'b' [8, 12) leaves a gap after tensor 'a' [0, 4)",
        "first_not_at_zero": "the first tensor 'a' [4, 8) does not start at byte 0",
        "trailing_bytes": "8 bytes of data follow the header but its tensors cover only 4 (trailing bytes)",
        "shape_dtype_mismatch": "shape [2] x F32 = 8 bytes, but its data_offsets [0, 4) span 4",
        "shape_overflow": "whose size overflows",
        "subbyte_not_whole_bytes": "shape [3] x F4, which is not a whole number of bytes",
        "metadata_not_string_map": "__metadata__ must map strings to strings, but 'a' is 1",
        "metadata_value_null": "but 'a' is null",
        "metadata_array": "__metadata__ must be an object of strings, not [\"x\"]",
        "metadata_twice": "its header has __metadata__ twice",
    ]

    static func manifest() throws -> Manifest {
        try checkpointFixtures.decodeJSON(Manifest.self, from: "header_cases.json")
    }

    @Test func acceptsExactlyWhatTheReferenceAccepts() throws {
        let manifest = try Self.manifest()
        let folder = try TemporaryFolder()
        #expect(manifest.cases.count >= 50)
        for testCase in manifest.cases {
            let bytes = try #require(Data(base64Encoded: testCase.bytes), "\(testCase.name): bad base64")
            let url = try folder.write([UInt8](bytes), to: testCase.name + ".safetensors")
            do {
                _ = try SafetensorsFile(contentsOf: url)
                #expect(testCase.reference_accepts, "\(testCase.name): accepted, but the reference says \(testCase.reference_error)")
            } catch let error as CheckpointError {
                #expect(!testCase.reference_accepts, "\(testCase.name): the reference accepts it, Easel says \(error)")
                guard case .corrupt(let path, _) = error else {
                    Issue.record("\(testCase.name): expected .corrupt, got \(error)")
                    continue
                }
                #expect(path == url.path)
                #expect(error.description.hasPrefix(url.path + " is not a valid safetensors file: "))
                let reason = try #require(Self.expectedReasons[testCase.name], "\(testCase.name): no expected reason listed; Easel says: \(error)")
                #expect(error.description.contains(reason), "\(testCase.name): \(error)")
            }
        }
        // Every listed reason belongs to a case, so a renamed case cannot leave its check behind.
        let names = Set(manifest.cases.map(\.name))
        for name in Self.expectedReasons.keys { #expect(names.contains(name), "no case named \(name)") }
    }

    @Test func validEdgeCasesReadAsTheReferenceReadsThem() throws {
        let cases = Dictionary(uniqueKeysWithValues: try Self.manifest().cases.map { ($0.name, $0) })
        let folder = try TemporaryFolder()
        func open(_ name: String) throws -> SafetensorsFile {
            let testCase = try #require(cases[name])
            let bytes = try #require(Data(base64Encoded: testCase.bytes))
            return try SafetensorsFile(contentsOf: try folder.write([UInt8](bytes), to: name + ".safetensors"))
        }
        // Of duplicate names the last wins, as in serde's map.
        let duplicate = try open("valid_duplicate_tensor_last_wins")
        #expect(duplicate.tensors["a"]?.shape == [2])
        #expect(try duplicate.tensor(named: "a").scalars == [0, 1])
        #expect(try open("valid_duplicate_metadata_key").metadata == ["k": "2"])
        #expect(try open("valid_metadata_null").metadata == [:])
        #expect(try open("valid_metadata_only").metadata == ["format": "pt"])
        #expect(try open("valid_unicode_escape_name").tensorNames == ["a\u{E9}\u{1F600}"])
        let unordered = try open("valid_unordered_entries")
        #expect(unordered.tensorNames == ["a", "b"])
        #expect(try unordered.tensor(named: "b").scalars == [1])
        let zeroSize = try open("valid_zero_size_tensors")
        #expect(try zeroSize.tensor(named: "z").shape == [0, 3])
        #expect(try zeroSize.tensor(named: "y").scalars.isEmpty)
        #expect(try zeroSize.tensor(named: "a").scalars == [0])
        let scalar = try open("valid_scalar")
        #expect(try scalar.tensor(named: "s").shape == [])
        #expect(try scalar.tensor(named: "s").scalars == [0])
        let ints = try open("valid_int_and_bool_dtypes")
        #expect(ints.tensors["i"]?.dataType == .int64)
        #expect(try ints.tensor(named: "b").scalars == [0, 0, 0])
        // F4 parses (the reference knows it) but is not readable as float32.
        let packed = try open("valid_subbyte_f4")
        #expect(packed.tensors["q"]?.dataType == .float4)
        #expect(throws: CheckpointError.unsupportedDataType(path: packed.url.path, name: "q", dataType: .float4)) {
            try packed.tensor(named: "q")
        }
        #expect(
            CheckpointError.unsupportedDataType(path: "m.safetensors", name: "q", dataType: .float4).description
                == "tensor 'q' in m.safetensors is stored as F4, which Easel cannot read as float32")
    }

    @Test func fileSystemErrorsNameTheFile() throws {
        let folder = try TemporaryFolder()
        let missing = folder.url.appendingPathComponent("missing.safetensors")
        #expect(throws: CheckpointError.unreadable(path: missing.path, reason: "No such file or directory")) {
            try SafetensorsFile(contentsOf: missing)
        }
        #expect(throws: CheckpointError.unreadable(path: folder.url.path, reason: "it is a folder, not a file")) {
            try SafetensorsFile(contentsOf: folder.url)
        }
        let error = CheckpointError.unreadable(path: missing.path, reason: "No such file or directory")
        #expect(error.description == "cannot read \(missing.path): No such file or directory")
        #expect(error.localizedDescription == error.description)
    }

    @Test func missingTensorIsAnErrorNamingFileAndTensor() throws {
        let file = try SafetensorsFile(contentsOf: fixtureURL("dtypes.safetensors"))
        #expect(throws: CheckpointError.missingTensor(path: file.url.path, name: "nope")) {
            try file.tensor(named: "nope")
        }
    }

    @Test func jsonParserIsStrict() throws {
        func parse(_ text: String) throws -> JSONValue {
            let bytes = Array(text.utf8)
            return try bytes.withUnsafeBytes { try HeaderJSONParser.parse($0) }
        }
        #expect(try parse(#" {"a": [1, -2, 3.5, 1e3, true, false, null, "x\"\\\/\b\f\n\r\t\u0041"]} "#)
            == .object([JSONMember(key: "a", value: .array([
                .integer(negative: false, magnitude: 1), .integer(negative: true, magnitude: 2), .number("3.5"),
                .number("1e3"), .bool(true), .bool(false), .null, .string("x\"\\/\u{08}\u{0C}\n\r\tA"),
            ]))]))
        #expect(try parse("18446744073709551615") == .integer(negative: false, magnitude: .max))
        #expect(try parse("18446744073709551616") == .number("18446744073709551616"))
        for bad in ["", "{", "[1,]", "01", "1.", ".5", "-", "1e", "tru", "\"\\x\"", "\"abc", "{\"a\" 1}", "[1 2]", "{1:2}", "\"\\u12\""] {
            #expect(throws: JSONSyntaxError.self, "\(bad) should not parse") { try parse(bad) }
        }
    }
}
