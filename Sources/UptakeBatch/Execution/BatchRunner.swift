import Foundation
import GRDB
import UptakeKernel
import UptakeScripting

/// Runs an experiment's runs on `jobs` worker threads and streams each
/// result into the results database as it ends. Each worker builds a fresh
/// `RunSession` (its own Lua state and simulation) per run, so nothing Lua or
/// kernel is shared between threads; only the writer (the calling thread)
/// touches the database, one transaction per run.
///
///     let summary = try BatchRunner(experiment: e, options: .init(jobs: 2)).run(out: "results.db")
public struct BatchRunner {
    public struct Options {
        public var jobs: Int
        public var shard: Shard
        public var resume: Bool
        /// The build of uptake that runs (recorded in the database's provenance).
        public var program: ProgramBuild
        /// With `resume`: go on with a database made by another build of uptake (recorded in it as `other_builds`).
        public var allowOtherBuild: Bool
        public var searchPath: PluginSearchPath?
        /// Run failed runs of the database again (with `resume`).
        public var retryFailed: Bool
        /// Where runs happen: in worker processes (`uptake worker`, started
        /// from this executable) so a crash or hang costs one run, or on
        /// threads of this process (for the library's own tests).
        public var isolation: Isolation
        /// Where the runs' warnings go, each distinct one once a batch (standard error by default).
        public var warn: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        public init(
            jobs: Int = ProcessInfo.processInfo.activeProcessorCount, shard: Shard = .all, resume: Bool = false,
            program: ProgramBuild = ProgramBuild(version: "dev", commit: "unknown"), allowOtherBuild: Bool = false,
            searchPath: PluginSearchPath? = nil, retryFailed: Bool = false, isolation: Isolation = .threads
        ) {
            self.jobs = jobs
            self.shard = shard
            self.resume = resume
            self.program = program
            self.allowOtherBuild = allowOtherBuild
            self.searchPath = searchPath
            self.retryFailed = retryFailed
            self.isolation = isolation
        }
    }

    public enum Isolation {
        case threads
        /// Worker processes of `executable`, with these limits.
        case processes(executable: String, limits: ProcessLimits)
    }

    /// What the supervisor of worker processes enforces (see `WorkerPool`).
    public struct ProcessLimits: Sendable {
        /// Hard wall-clock seconds per run (nil: the scenario's `limits.seconds` plus 5 s, if it has one).
        public var runTimeout: Double?
        /// Seconds without a heartbeat after which a worker is taken as stopped and replaced.
        public var answerTimeout: Double
        /// Resident memory per worker, bytes (nil: none).
        public var memoryBytes: Int?
        public init(runTimeout: Double? = nil, answerTimeout: Double = 10, memoryBytes: Int? = nil) {
            self.runTimeout = runTimeout
            self.answerTimeout = answerTimeout
            self.memoryBytes = memoryBytes
        }
    }

    public struct Summary: Sendable {
        /// Runs of this shard in the whole experiment.
        public var runsInShard: Int
        /// Runs already in the database before this invocation (resume).
        public var alreadyRecorded: Int
        public var ranNow: Int
        /// Failed runs of this shard in the database (including earlier invocations).
        public var failed: Int
        public var seconds: Double
        public var runsPerSecond: Double { seconds > 0 ? Double(ranNow) / seconds : 0 }
    }

    public let experiment: Experiment
    public let options: Options

    public init(experiment: Experiment, options: Options) {
        self.experiment = experiment
        self.options = options
    }

    public func run(out: String, progress: BatchProgress? = nil) throws -> Summary {
        let plan = DesignPlan(experiment)
        let mine = (0..<plan.runCount).filter { options.shard.contains(run: $0) }
        // Worker processes start first, so that starting them (loading the program, then the
        // experiment) overlaps the check and the database below; a batch that stops there ends
        // them unused (`WorkerPool.shutdown`, also when the pool is freed).
        var pool: WorkerPool? = nil
        if case .processes(let executable, let limits) = options.isolation, !mine.isEmpty {
            pool = try WorkerPool(
                executable: executable, experimentFile: experiment.file, plan: plan,
                jobs: min(options.jobs, mine.count),
                limits: .init(
                    runTimeout: limits.runTimeout, answerTimeout: limits.answerTimeout, memoryBytes: limits.memoryBytes)
            )
            try pool?.start()
        }
        defer { pool?.shutdown() }
        let executor = RunExecutor(plan: plan, searchPath: options.searchPath)
        let findings = try ExperimentPreflight.check(executor)
        let provenance = try Provenance.of(experiment: experiment, plugins: findings.plugins, program: options.program)
        let store = try openStore(out: out, plan: plan, provenance: provenance, calendar: findings.calendar)
        let recorded = try store.recordedRuns(includingFailed: !options.retryFailed)
        let todo = mine.filter { !recorded.contains($0) }

        let started = Date()
        var done = 0, failedNow = 0
        progress?.update(done: 0, total: todo.count, failed: 0, elapsed: 0, force: true)
        var warned = Set<String>()
        // Only --retry-failed runs runs that have rows already (failed ones, which they replace).
        // Worker processes deliver results faster than one transaction each is worth: grouped.
        let writer = ResultWriter(store: store, replacing: options.retryFailed, grouped: pool != nil)
        writer.activate()
        defer { writer.resign() }
        func stored(_ write: () throws -> Void) throws {
            do { try write() } catch {
                let reason =
                    (error as? DatabaseError).map {
                        "SQLite says \"\($0.message ?? "error \($0.resultCode.rawValue)")\""
                    } ?? "\(error)"
                throw Diagnostic(
                    file: out,
                    problem:
                        "cannot write the results database (\(writer.storedRuns) runs of this invocation are stored): \(reason)",
                    fix: "Check free disk space and permissions, then run again with --resume")
            }
        }
        func deliver(_ result: RunResult) throws {
            for line in result.warnings {
                guard let text = RunExecutor.warningText(line), warned.insert(text).inserted else { continue }
                options.warn("\(line) (first in run \(result.run); said once for the batch)")
            }
            try stored { try writer.add(result) }
            done += 1
            if result.status == .failed { failedNow += 1 }
            progress?.update(
                done: done, total: todo.count, failed: failedNow, elapsed: Date().timeIntervalSince(started))
        }
        do {
            switch options.isolation {
            case .threads:
                try runOnThreads(todo, executor: executor, deliver: deliver)
            case .processes:
                do {
                    if !todo.isEmpty {
                        try pool?.run(todo, deliver: deliver, whileWaiting: { try stored { try writer.commitIfDue() } })
                    }
                } catch let e as WorkerPool.PoolError {
                    throw Diagnostic(
                        file: experiment.file, problem: e.description,
                        fix: "Check that the uptake executable still exists and can start")
                }
            }
        } catch {
            try? writer.commit()  // what finished before the error is kept
            throw error
        }
        try stored { try writer.commit() }
        let failed = try store.read { db in
            try Int.fetchAll(db, sql: "SELECT run FROM runs WHERE status = 'failed'").filter {
                options.shard.contains(run: $0)
            }.count
        }
        return Summary(
            runsInShard: mine.count, alreadyRecorded: mine.count - todo.count, ranNow: done, failed: failed,
            seconds: Date().timeIntervalSince(started))
    }

    /// Commits the finished runs the running batch holds, for a signal handler about to end
    /// the process (Ctrl-C, SIGTERM); nil when done, or what went wrong.
    public static func commitFinishedRunsBeforeExit() -> String? { ResultWriter.commitBeforeExit() }

    /// Runs on `jobs` threads of this process; the calling thread writes.
    func runOnThreads(_ todo: [Int], executor: RunExecutor, deliver: (RunResult) throws -> Void) throws {
        let jobs = max(1, min(options.jobs, max(1, todo.count)))
        let work = WorkList(todo)
        let queue = ResultQueue(producers: jobs, capacity: 2 * jobs)
        var threads: [Thread] = []
        for _ in 0..<jobs {
            let thread = Thread {
                while !queue.isCancelled, let run = work.take() { queue.push(executor.execute(run: run)) }
                queue.producerFinished()
            }
            thread.stackSize = 16 << 20  // Lua and the kernel recurse a little; the default is small on Linux.
            threads.append(thread)
        }
        threads.forEach { $0.start() }
        while let result = queue.pop() {
            do { try deliver(result) } catch {
                queue.cancel()
                throw error
            }
        }
    }

    func openStore(out: String, plan: DesignPlan, provenance: Provenance, calendar: TickCalendar?) throws -> ResultStore
    {
        if options.resume, ResultStore.isEmptyDatabase(out) {
            // A batch killed while it created the database left a file with no tables: nothing to keep.
            ResultStore.removeDatabase(at: out)
        }
        guard options.resume, FileManager.default.fileExists(atPath: out) else {
            return try ResultStore.create(
                out, plan: plan, provenance: provenance, shard: options.shard, program: options.program,
                calendar: calendar)
        }
        // Check read-only first: a database that belongs to something else is left exactly as it was.
        try check(try ResultStore.open(out, readOnly: true), out: out, provenance: provenance, plan: plan)
        let store = try ResultStore.open(out)
        if let made = try store.provenance().program, made != options.program {
            // --allow-other-build: the runs of this build join the database; it says so.
            try store.recordOtherBuilds([options.program.detailedDescription])
        }
        return store
    }

    func check(_ store: ResultStore, out: String, provenance: Provenance, plan: DesignPlan) throws {
        let meta = try store.metadata()
        if let difference = provenance.difference(from: try store.provenance()) {
            throw Diagnostic(
                file: out,
                problem:
                    "cannot resume: these results came from different inputs (\(difference), now versus in the database)",
                fix: "Restore the files the batch started with, or start a new batch with another --out")
        }
        let made =
            try store.provenance().program
            ?? ProgramBuild(version: meta["program_version"] ?? "unknown", commit: "unknown")
        if made != options.program && !options.allowOtherBuild {
            let (then, now) = made.contrast(with: options.program)
            throw Diagnostic(
                file: out,
                problem: "cannot resume: another build of uptake made these results (\(then); this is \(now)), "
                    + "and runs of two builds should not be mixed in one database",
                fix: "Resume with the build that made them, start a new batch with another --out, "
                    + "or add --allow-other-build to mix them anyway (the database then lists both builds)")
        }
        if meta["shard"] != options.shard.description {
            throw Diagnostic(
                file: out,
                problem: "cannot resume: the database holds shard \(meta["shard"] ?? "?"), not \(options.shard)",
                fix: "Resume with --shard \(meta["shard"] ?? "?") (or without --shard when it says all)")
        }
        if meta["runs"] != String(plan.runCount) || meta["seed"] != String(experiment.seed) {
            throw Diagnostic(
                file: out,
                problem: "cannot resume: the database describes another design (\(meta["runs"] ?? "?") runs)",
                fix: "Start a new batch with another --out")
        }
    }
}
