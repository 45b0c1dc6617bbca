import ArgumentParser
import UptakeBatch

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
}

/// Which uptake this is: `uptake --version`, and the provenance of every results database.
enum UptakeVersion {
    /// The release. `make deb` names the package after it (it asks `uptake --version`).
    static let number = "0.2.0"
    /// The release and the git commit the binary was built from (`BuildStamp`, generated
    /// before each build by Plugins/BuildStamp; "unknown" outside git).
    static let build = ProgramBuild(version: number, commit: BuildStamp.commit, changes: BuildStamp.changes)
}
