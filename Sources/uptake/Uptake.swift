import ArgumentParser
import Foundation
import UptakeFiles

/// The `uptake` command line: thin wrappers over the library modules, one file per subcommand.
@main
struct Uptake: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uptake",
        abstract: "Simulate how an innovation (generative AI) spreads among firms, and what policy levers change.",
        discussion: "Start with: uptake run scenarios/baseline.lua",
        version: UptakeVersion.text,
        subcommands: [RunCommand.self, BatchCommand.self, ResultsCommand.self, SensitivityCommand.self, MergeCommand.self,
                      SlurmCommand.self, TestCommand.self, PluginCommand.self, APICommand.self, BenchCommand.self,
                      WorkerCommand.self]
    )

    /// ArgumentParser's own main, with two additions: a misspelt command gets
    /// a "did you mean" (ArgumentParser says "2 unexpected arguments"), and
    /// a file-system error that escaped a command still prints as one line
    /// with its path and reason instead of Foundation's "The operation could
    /// not be completed". Exit statuses: docs/cli.md.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = UnknownCommand.message(for: arguments, in: Uptake.self) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: UnknownCommand.readable(error))
        }
    }
}

enum UptakeVersion {
    static let text = "0.1.0"
}
