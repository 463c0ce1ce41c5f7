import Foundation

/// Runs the built `easel` executable, which SwiftPM puts beside the test bundle in the build products
/// folder (`swift build --build-tests` builds it).
struct EaselProcess {
    var status: Int32
    var standardOutput: String
    var standardError: String

    static func executable(_ program: String = "easel") throws -> URL {
        var folders: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for folder in folders {
            let candidate = folder.appendingPathComponent(program)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ExecutableMissing(program: program, searched: folders.map(\.path))
    }

    struct ExecutableMissing: Error, CustomStringConvertible {
        var program: String
        var searched: [String]
        var description: String {
            "the \(program) executable is not built beside the tests (looked in \(searched.joined(separator: ", "))); run `swift build --build-tests` first"
        }
    }

    /// Runs `program` (an executable of this package: `easel`, or an example) with `arguments`.
    static func run(_ arguments: [String], program: String = "easel") throws -> EaselProcess {
        let process = Process()
        process.executableURL = try executable(program)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return EaselProcess(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}
