import ArgumentParser
import Foundation
import UptakeFiles
import UptakeKernel
import UptakeReport
import UptakeBatch
import UptakeScripting

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and print a summary; write the per-tick series as CSV.",
        discussion: """
            The outputs (series.csv, run.json, with --report report.html, and the --firms-out file) are written \
            together when the run ends, or not at all: \
            Ctrl-C stops the run with "interrupted at tick T; nothing written" and exit status 130. \
            On a terminal a progress line shows the date and adoption. docs/cli.md has the details.

            Examples:
              uptake run scenarios/baseline.lua
              uptake run scenarios/baseline.lua --set tax-relief.rate=0.3 --seed 7 --out out/tax
              uptake run scenarios/baseline.lua --json --quiet > summary.json
              uptake run scenarios/baseline.lua --out out/base --report   # and out/base/report.html
            """
    )

    @Argument(help: "The scenario file (Lua).")
    var scenario: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a parameter: plugin.param=value or a scenario path like model.word_of_mouth=0.5.",
            valueName: "path=value"))
    var overrides: [String] = []

    @Option(
        parsing: .unconditional,
        help:
            "Random seed, 0 to 2^64-1 (overrides the scenario's seed): digits, or as runs.csv writes it (s9451341060835768564).",
        transform: ArgumentValues.seed)
    var seed: UInt64?

    @Option(
        help: "Folder for series.csv, made if missing (default: out).",
        transform: ArgumentValues.path("--out", example: "out/run1"))
    var out: String = "out"

    @Option(
        help: "Also write one row per firm (final state) to this CSV file.",
        transform: ArgumentValues.filePath("--firms-out", example: "out/firms.csv"))
    var firmsOut: String?

    @Option(
        parsing: .unconditional,
        help: "Worker threads for the kernel's step (default: 1; results are identical for any number).",
        transform: ArgumentValues.workers("--threads"))
    var threads: Int = 1

    @Option(
        parsing: .unconditional,
        help: "Instruction budget per plugin hook call (overrides the scenario's limits.instructions).",
        transform: ArgumentValues.whole("--max-instructions", in: 1...Int(Int32.max) * 1000, example: 100_000_000))
    var maxInstructions: Int?

    @Option(
        parsing: .unconditional,
        help: "Memory cap of the Lua state in MiB (overrides the scenario's limits.memory_mb).",
        transform: ArgumentValues.whole("--max-memory", in: 1...1_048_576, example: 512, unit: "MiB"))
    var maxMemory: Int?

    @Option(
        parsing: .unconditional,
        help:
            "Wall-clock seconds the plugins of the run may take in all (overrides the scenario's limits.seconds; 0 = none).",
        transform: ArgumentValues.seconds("--max-seconds", zeroAllowed: true))
    var maxSeconds: Double?

    @Flag(help: "Print only errors: no summary, no progress, no plugin log lines.")
    var quiet = false

    @Flag(help: "Print the summary as one JSON object (fields: docs/cli.md).")
    var json = false

    @Flag(help: "Also write OUT/report.html: the run's charts and provenance in one self-contained page.")
    var report = false

    @Flag(
        help: ArgumentHelp(
            "Run in this process, without a supervising parent (a crash then ends with the runtime's own report).",
            visibility: .hidden))
    var noSupervise = false

    @Flag(
        help: ArgumentHelp(
            "Write each finished tick's row of the series as one line of JSON on standard output (for uptake serve).",
            visibility: .hidden))
    var streamTicks = false

    func run() throws {
        let trace = try RunSupervision.childTrace()
        if trace == nil && !noSupervise { try RunSupervision.supervise(scenario: scenario) }
        let outputs = StagedOutputs()
        let progress = RunProgress.onTerminal(quiet: quiet)
        let interruption = RunInterruption(outputs: outputs, progress: progress)
        let signals = interruption.install()
        defer {
            signals.forEach { $0.cancel() }
            progress?.clear()
        }
        let seriesURL = URL(fileURLWithPath: out).appendingPathComponent("series.csv")
        let firmsURL = firmsOut.map { URL(fileURLWithPath: $0) }
        let folder = URL(fileURLWithPath: out)
        let recordURL = folder.appendingPathComponent(RunRecord.fileName)
        let reportURL = folder.appendingPathComponent("report.html")
        let taken = [("series", seriesURL), ("run.json", recordURL)] + (report ? [("report", reportURL)] : [])
        if let firmsURL, let clash = taken.first(where: { $0.1.standardizedFileURL == firmsURL.standardizedFileURL }) {
            throw UserFacingError(
                "--firms-out \(firmsOut!) is the \(clash.0) file of --out \(out); give the firms another file name, "
                    + "e.g. \(out)/firms.csv")
        }
        let session = try RunSession(file: scenario, options: sessionOptions(trace: trace, progress: progress))
        trace?.begin(run: 0, limitSeconds: session.lua.limits.seconds)
        let calendar = session.simulation.calendar
        let ticks = session.scenario.config.ticks
        interruption.running(tick: 0, of: ticks, date: calendar.label(0))
        try session.run { simulation in
            let tick = simulation.tick
            interruption.running(tick: tick + 1, of: ticks, date: calendar.label(tick + 1))
            progress?.tick(tick, of: ticks, date: calendar.label(tick), adoption: simulation.stats.adoption)
            if streamTicks { streamLastRow(simulation) }
        }
        interruption.writingOutputs()
        let table = OutputTable(session.simulation)
        try outputs.stage(Data(SeriesCSV.text(table).utf8), at: seriesURL, display: seriesURL.relativePath)
        let summary = summaryObject(session, seriesPath: seriesURL.relativePath)
        let recordLine = try RunSummaryJSON.line(summary)
        try outputs.stage(Data(recordLine.utf8), at: recordURL, display: recordURL.relativePath)
        if report {
            let html = RunReport.html(
                table: SeriesCSV.roundTrip(table),
                record: try RunRecord(json: Data(recordLine.utf8), file: recordURL.relativePath),
                source: seriesURL.relativePath, program: UptakeVersion.build.description)
            try outputs.stage(Data(html.utf8), at: reportURL, display: reportURL.relativePath)
        }
        if let firmsURL, let firmsOut {
            try outputs.stage(Data(SeriesWriter.firmsCSV(session.simulation).utf8), at: firmsURL, display: firmsOut)
        }
        try outputs.commit()
        progress?.clear()
        try printSummary(session, object: summary, seriesPath: seriesURL.relativePath)
    }

    /// The summary object of `--json`, and run.json (with the build that ran it).
    func summaryObject(_ session: RunSession, seriesPath: String) -> [String: Any] {
        let plugins = session.plugins.map {
            RunSummaryJSON.Plugin(name: $0.name, version: "\($0.version)", path: PluginHost.displayPath($0.directory))
        }
        return RunSummaryJSON.object(
            simulation: session.simulation, scenarioName: session.scenario.name, scenarioFile: scenario,
            plugins: plugins, seriesPath: seriesPath, firmsPath: firmsOut, program: UptakeVersion.build.description)
    }

    /// `--stream-ticks`: the row of the tick just finished, written at once
    /// (standard output is a pipe, where print would hold it in a buffer).
    /// The table is rebuilt each tick so that the row is exactly series.csv's
    /// (the accounts and metrics seen so far); that costs O(ticks) per tick,
    /// nothing beside the step over every firm.
    func streamLastRow(_ simulation: Simulation) {
        let table = OutputTable(simulation)
        guard !table.rows.isEmpty else { return }
        FileHandle.standardOutput.write(Data(SeriesJSON.line(table, tick: table.rows.count - 1).utf8))
    }

    func sessionOptions(trace: RunTrace?, progress: RunProgress?) throws -> RunSession.Options {
        var options = RunSession.Options(
            seed: seed, overrides: try overrides.map(ParameterOverride.init(parsing:)),
            threads: threads, maxInstructions: maxInstructions, maxMemoryMB: maxMemory,
            maxSeconds: maxSeconds)
        if quiet {
            options.logSink = { _ in }
        } else if let progress {
            options.logSink = { progress.interject($0) }
        }
        if let progress { options.phaseObserver = { progress.phase($0) } }
        if let trace {
            let fault = try InjectedFault.fromEnvironment()
            options.hookObserver = { plugin, hook, tick in
                trace.enter(plugin: plugin, hook: hook, tick: tick)
                fault?.strike(tick: tick)
            }
        }
        return options
    }

    func printSummary(_ session: RunSession, object: [String: Any], seriesPath: String) throws {
        if json {
            print(try RunSummaryJSON.line(object), terminator: "")
        } else if !quiet {
            let summary = RunSummary(
                simulation: session.simulation, scenarioName: session.scenario.name, scenarioFile: scenario,
                plugins: session.plugins.map { "\($0.name) \($0.version)" }, seriesPath: seriesPath)
            print(summary.text, terminator: "")
        }
    }
}
