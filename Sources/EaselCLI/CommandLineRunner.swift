import ArgumentParser
import Foundation

/// Runs `easel` with the project's exit-status contract (DESIGN.md): 0 on success, 1 when the work fails
/// (a missing or unreadable file, a corrupt checkpoint, an image that cannot be decoded), 2 when the command
/// line itself is wrong. Every failure is one line on standard error: `easel: error: <what went wrong>`.
///
/// ArgumentParser's own `main()` would exit 64 for usage errors and print the whole usage text, so parsing
/// and running are split here to tell the two kinds apart.
public enum CommandLineRunner {
    public static func run(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Int32 {
        var command: any ParsableCommand
        do {
            command = try EaselCommand.parseAsRoot(arguments)
        } catch {
            let code = EaselCommand.exitCode(for: error)
            if code == .success {  // --help, --version
                print(EaselCommand.fullMessage(for: error))
                return 0
            }
            report(EaselCommand.message(for: error) + " (see 'easel --help')")
            return 2
        }
        do {
            try command.run()
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            // ArgumentParser's own errors can surface from run() too: help for a command without a
            // subcommand, or a ValidationError a command throws after parsing.
            switch EaselCommand.exitCode(for: error) {
            case .success:
                print(EaselCommand.fullMessage(for: error))
                return 0
            case .validationFailure:
                report(EaselCommand.message(for: error) + " (see 'easel --help')")
                return 2
            default:
                report(String(describing: error))
                return 1
            }
        }
    }

    /// Writes one line to standard error, collapsing any line breaks in the message.
    static func report(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("easel: error: \(line)\n".utf8))
    }
}
