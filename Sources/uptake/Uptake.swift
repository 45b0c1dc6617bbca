import ArgumentParser

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
}

enum UptakeVersion {
    static let text = "0.1.0"
}
