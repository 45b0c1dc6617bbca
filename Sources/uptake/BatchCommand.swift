import ArgumentParser
import Foundation
import UptakeBatch
import UptakeScripting

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Run an experiment's runs (a sweep, replicates, a sensitivity design) into a results database.",
        discussion: """
            Results stream into the SQLite database as each run ends; interrupt at any time and finish with --resume. \
            Each run happens in a worker process: a run that crashes, hangs past its limit or takes too much memory is \
            recorded as failed (with the plugin, hook and tick it was in, and how to reproduce it) and the batch goes on. \
            Exit status 3 when some runs failed (the others are recorded; list the failures with uptake results; \
            run them again with --resume --retry-failed).
            Examples:
              uptake batch scenarios/tax-relief-sweep.lua --out results.db
              uptake batch scenarios/tax-relief-sweep.lua --out results.db --resume
              uptake batch sweep.lua --out part2.db --shard 2/4 --jobs 8
            """
    )

    @Argument(help: "The experiment file (Lua).")
    var experiment: String

    @Option(
        help: "The results database (SQLite) to write (its folder is made if missing).",
        transform: ArgumentValues.filePath("--out", example: "out/results.db"))
    var out: String

    @Option(
        parsing: .unconditional,
        help: "Runs at a time (worker processes); results are identical for any number. Default: the number of cores.",
        transform: ArgumentValues.workers("--jobs"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Finish a batch that stopped: run only the runs missing from --out.")
    var resume = false

    @Option(
        help: ArgumentHelp(
            "Run only slice K of N (runs whose number is K-1 modulo N); merge the shards with uptake merge.",
            valueName: "K/N"))
    var shard: String?

    @Flag(help: "With --resume: run the failed runs of --out again too.")
    var retryFailed = false

    @Flag(
        help:
            "With --resume: go on even though another build of uptake (another version or commit) made --out; the database then lists both builds."
    )
    var allowOtherBuild = false

    @Option(
        parsing: .unconditional,
        help:
            "Kill a run's worker after this many seconds (default: the scenario's limits.seconds plus 5, if it sets one).",
        transform: ArgumentValues.seconds("--run-timeout"))
    var runTimeout: Double?

    @Option(
        parsing: .unconditional,
        help:
            "Kill a worker using more than this many MiB of memory; its run is recorded as failed (default: no limit).",
        transform: ArgumentValues.whole("--worker-memory", in: 1...16_777_216, example: 2048, unit: "MiB"))
    var workerMemory: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds a worker may stop answering before it is replaced and its run started again (default: 10).",
            visibility: .hidden),
        transform: ArgumentValues.seconds("--answer-timeout"))
    var answerTimeout: Double = 10

    @Flag(
        help: ArgumentHelp(
            "Run on threads of this process instead of worker processes (no crash isolation).", visibility: .hidden))
    var inProcess = false

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        // Ctrl-C, or Slurm's SIGTERM at a time limit: say how to go on. The finished runs
        // waiting to be committed in a group are committed first (`ResultWriter`); a
        // transaction left open is rolled back when the database is next opened.
        let stopSignals = ([SIGINT, SIGTERM] as [Int32]).map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [out, experiment] in
                if let problem = BatchRunner.commitFinishedRunsBeforeExit() {
                    FileHandle.standardError.write(
                        Data("\ncould not store the last finished runs (--resume runs them again): \(problem)".utf8))
                }
                FileHandle.standardError.write(
                    Data(
                        "\ninterrupted: the runs finished so far are in \(out); finish with: uptake batch \(experiment) --out \(out) --resume\n"
                            .utf8))
                Foundation.exit(Interrupted.exitStatus)
            }
            source.resume()
            return source
        }
        defer { stopSignals.forEach { $0.cancel() } }
        let loaded = try ExperimentLoader.load(file: experiment)
        if retryFailed && !resume {
            throw UserFacingError(
                "--retry-failed goes with --resume: uptake batch \(experiment) --out \(out) --resume --retry-failed")
        }
        if allowOtherBuild && !resume {
            throw UserFacingError(
                "--allow-other-build goes with --resume: uptake batch \(experiment) --out \(out) --resume --allow-other-build"
            )
        }
        let limits = BatchRunner.ProcessLimits(
            runTimeout: runTimeout, answerTimeout: answerTimeout, memoryBytes: workerMemory.map { $0 << 20 })
        let options = BatchRunner.Options(
            jobs: jobs, shard: try shard.map(Shard.init(parsing:)) ?? .all, resume: resume,
            program: UptakeVersion.build, allowOtherBuild: allowOtherBuild, retryFailed: retryFailed,
            isolation: inProcess ? .threads : .processes(executable: SelfExecutable.path, limits: limits))
        let summary = try BatchRunner(experiment: loaded, options: options).run(
            out: out, progress: quiet ? nil : BatchProgress())
        if !quiet {
            var line = "batch: \(summary.runsInShard - summary.failed) of \(summary.runsInShard) runs done"
            if summary.alreadyRecorded > 0 { line += " (\(summary.alreadyRecorded) were already in \(out))" }
            line +=
                "; \(summary.ranNow) ran now at \(String(format: "%.1f", summary.runsPerSecond)) runs/s; results in \(out)"
            print(line)
        }
        if summary.failed > 0 { throw SomeFailed.runs(failed: summary.failed, of: summary.runsInShard, database: out) }
    }
}
