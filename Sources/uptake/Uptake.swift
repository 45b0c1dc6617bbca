import ArgumentParser
import Foundation
import UptakeBatch
import UptakeFiles

/// The `uptake` command line: thin wrappers over the library modules, one file per subcommand.
@main
struct Uptake: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uptake",
        abstract: "Simulate how an innovation (generative AI) spreads among firms, and what policy levers change.",
        discussion: "Start with: uptake run scenarios/baseline.lua",
        version: UptakeVersion.build.description,
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
            // run and batch handle Ctrl-C themselves (RunInterruption, BatchCommand); the worker is theirs.
            let stopSignals = command is RunCommand || command is BatchCommand || command is WorkerCommand ? [] : removingTemporaryFilesOnSignals()
            defer { stopSignals.forEach { $0.cancel() } }
            try command.run()
        } catch {
            exit(withError: UnknownCommand.readable(error))
        }
    }
}

/// Ctrl-C or SIGTERM: remove the temporary files of outputs being written
/// (`TemporaryFiles`), so that no partial file is left, and end with 130.
func removingTemporaryFilesOnSignals() -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            TemporaryFiles.removeAll()
            FileHandle.standardError.write(Data("interrupted; no output was left half written\n".utf8))
            _exit(130)
        }
        source.resume()
        return source
    }
}

/// Which uptake this is: `uptake --version`, and the provenance of every results database.
enum UptakeVersion {
    /// The release. `make deb` names the package after it (it asks `uptake --version`).
    static let number = "0.2.0"
    /// The release and the git commit the binary was built from (`BuildStamp`, generated
    /// before each build by the BuildStamp plugin, Sources/BuildStamp; "unknown" outside git).
    static let build = ProgramBuild(version: number, commit: BuildStamp.commit, changes: BuildStamp.changes)
}
