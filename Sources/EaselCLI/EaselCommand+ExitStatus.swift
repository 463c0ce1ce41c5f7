import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
private func terminate(_ status: Int32) -> Never { Glibc.exit(status) }
#elseif canImport(Darwin)
import Darwin
private func terminate(_ status: Int32) -> Never { Darwin.exit(status) }
#endif

extension EaselCommand {
    /// Exit status for bad usage in Easel's command-line contract (DESIGN.md): 0 success, 1 failure,
    /// 2 bad usage. ArgumentParser itself exits with 64 (`EX_USAGE`) for usage errors.
    static let usageExitStatus: Int32 = 2

    /// Runs the command line with the contract's exit statuses. This shadows ArgumentParser's
    /// `ParsableCommand.main()`, so `EaselCommand.main()` in the executable gets it; messages go where
    /// ArgumentParser sends them (help to standard output, errors to standard error).
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            terminate(code == .validationFailure ? usageExitStatus : code.rawValue)
        }
    }
}
