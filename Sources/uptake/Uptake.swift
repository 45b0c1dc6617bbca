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
        subcommands: [
            RunCommand.self, BatchCommand.self, ResultsCommand.self, SensitivityCommand.self, DiscoverCommand.self,
            ReportCommand.self, MergeCommand.self, SlurmCommand.self, CalibrateCommand.self, TestCommand.self,
            PluginCommand.self, APICommand.self, BenchCommand.self, ServeCommand.self, WorkerCommand.self,
        ]
    )

    /// ArgumentParser's own main, with every error told in one place
    /// (`ErrorReport`): a misspelt command gets a "did you mean"
    /// (`UnknownCommand`), and a file-system error that escaped a command
    /// still prints as one line with its path and reason.
    static func main() {
        do {
            try runCommand(Array(CommandLine.arguments.dropFirst()))
        } catch {
            ErrorReport(error).exit()
        }
    }

    /// Parses `arguments` and runs the command they name.
    static func runCommand(_ arguments: [String]) throws {
        // The worker handles its signals itself, as below.
        if try WorkerCommand.servedDirectly(arguments) { return }
        if let unknown = UnknownCommand(arguments, root: Uptake.self) { throw unknown }
        var command = try parseAsRoot(arguments)
        // run, batch and serve handle Ctrl-C themselves (RunInterruption, BatchCommand, ExplorerServer);
        // the worker is batch's.
        let handlesSignals =
            command is RunCommand || command is BatchCommand || command is WorkerCommand || command is ServeCommand
        let stopSignals = handlesSignals ? [] : removingTemporaryFilesOnSignals()
        defer { stopSignals.forEach { $0.cancel() } }
        try command.run()
    }
}

/// Ctrl-C or SIGTERM: remove the temporary files of outputs being written
/// (`TemporaryFiles`), so that no partial file is left, and end with 130.
/// The handler runs while the command's thread works, so it cannot throw
/// to `main` (ErrorReport lists it among the other exits).
func removingTemporaryFilesOnSignals() -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            TemporaryFiles.removeAll()
            FileHandle.standardError.write(Data("interrupted; no output was left half written\n".utf8))
            _exit(Interrupted.exitStatus)
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
