import ArgumentParser
import Foundation
import UptakeKernel
import UptakeReport
import UptakeBatch
import UptakeScripting

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and print a summary; write the per-tick series as CSV.",
        discussion: """
        Examples:
          uptake run scenarios/baseline.lua
          uptake run scenarios/baseline.lua --set tax-relief.rate=0.3 --seed 7 --out out/tax
        """
    )

    @Argument(help: "The scenario file (Lua).")
    var scenario: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: plugin.param=value or a scenario path like model.word_of_mouth=0.5.", valueName: "path=value"))
    var overrides: [String] = []

    @Option(help: "Random seed (overrides the scenario's seed): digits, or as runs.csv writes it (s9451341060835768564).")
    var seed: SeedArgument?

    @Option(help: "Folder for series.csv.")
    var out: String = "out"

    @Option(help: "Also write one row per firm (final state) to this CSV file.")
    var firmsOut: String?

    @Option(help: "Worker threads for the kernel's step (results are identical for any number).")
    var threads: Int = 1

    @Option(help: "Instruction budget per plugin hook call (overrides the scenario's limits.instructions).")
    var maxInstructions: Int?

    @Option(help: "Memory cap of the Lua state in MiB (overrides the scenario's limits.memory_mb).")
    var maxMemory: Int?

    @Option(help: "Wall-clock seconds the plugins of the run may take in all (overrides the scenario's limits.seconds; 0 = none).")
    var maxSeconds: Double?

    @Flag(help: "Print only errors.")
    var quiet = false

    @Flag(help: ArgumentHelp("Run in this process, without a supervising parent (a crash then ends with the runtime's own report).", visibility: .hidden))
    var noSupervise = false

    func run() throws {
        let trace = try RunSupervision.childTrace()
        if trace == nil && !noSupervise { try RunSupervision.supervise(scenario: scenario) }
        do {
            var options = RunSession.Options(seed: seed?.value, overrides: try overrides.map(ParameterOverride.init(parsing:)),
                                             threads: max(1, threads), maxInstructions: maxInstructions, maxMemoryMB: maxMemory,
                                             maxSeconds: try maxSeconds.map { s in
                                                 guard s.isFinite, s >= 0 else { throw UserFacingError("--max-seconds must be a number of seconds >= 0, not \(s)") }
                                                 return s
                                             })
            if let trace {
                let fault = try InjectedFault.fromEnvironment()
                options.hookObserver = { plugin, hook, tick in
                    trace.enter(plugin: plugin, hook: hook, tick: tick)
                    fault?.strike(tick: tick)
                }
            }
            let session = try RunSession(file: scenario, options: options)
            trace?.begin(run: 0, limitSeconds: session.lua.limits.seconds)
            try session.run()
            let seriesURL = URL(fileURLWithPath: out).appendingPathComponent("series.csv")
            try SeriesWriter.write(SeriesTable.build(session.simulation), to: seriesURL)
            if let firmsOut {
                try OutputFile.write(Data(SeriesWriter.firmsCSV(session.simulation).utf8), to: URL(fileURLWithPath: firmsOut))
            }
            if !quiet {
                let summary = RunSummary(simulation: session.simulation, scenarioName: session.scenario.name, scenarioFile: scenario,
                                         plugins: session.plugins.map { "\($0.name) \($0.version)" }, seriesPath: seriesURL.relativePath)
                print(summary.text, terminator: "")
            }
        } catch let d as Diagnostic {
            throw UserFacingError(d.description)
        } catch let e as OutputFile.WriteError {
            throw UserFacingError(e.description)
        }
    }
}

/// An error printed as "error: <one line>" with exit status 1.
struct UserFacingError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
