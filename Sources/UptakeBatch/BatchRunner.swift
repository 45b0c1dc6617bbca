import Foundation
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
        public var programVersion: String
        public var searchPath: PluginSearchPath?
        public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, shard: Shard = .all, resume: Bool = false,
                    programVersion: String = "dev", searchPath: PluginSearchPath? = nil) {
            self.jobs = jobs; self.shard = shard; self.resume = resume; self.programVersion = programVersion; self.searchPath = searchPath
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

    public init(experiment: Experiment, options: Options) { self.experiment = experiment; self.options = options }

    public func run(out: String, progress: BatchProgress? = nil) throws -> Summary {
        let plan = DesignPlan(experiment)
        let executor = RunExecutor(plan: plan, searchPath: options.searchPath)
        let plugins = try ExperimentPreflight.check(executor)
        let provenance = try Provenance.of(experiment: experiment, plugins: plugins, programVersion: options.programVersion)
        let store = try openStore(out: out, plan: plan, provenance: provenance)
        let recorded = try store.recordedRuns()
        let mine = (0..<plan.runCount).filter { options.shard.contains(run: $0) }
        let todo = mine.filter { !recorded.contains($0) }

        let started = Date()
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
        var done = 0, failedNow = 0
        progress?.update(done: 0, total: todo.count, failed: 0, elapsed: 0, force: true)
        while let result = queue.pop() {
            do { try store.write(result) } catch {
                queue.cancel()
                throw Diagnostic(file: out, problem: "cannot write the results database: \(error)",
                                 fix: "Check free disk space and permissions, then run again with --resume")
            }
            done += 1
            if result.status == .failed { failedNow += 1 }
            progress?.update(done: done, total: todo.count, failed: failedNow, elapsed: Date().timeIntervalSince(started))
        }
        let failed = try store.read { db in
            try Int.fetchAll(db, sql: "SELECT run FROM runs WHERE status = 'failed'").filter { options.shard.contains(run: $0) }.count
        }
        return Summary(runsInShard: mine.count, alreadyRecorded: mine.count - todo.count, ranNow: done, failed: failed,
                       seconds: Date().timeIntervalSince(started))
    }

    func openStore(out: String, plan: DesignPlan, provenance: Provenance) throws -> ResultStore {
        guard options.resume, FileManager.default.fileExists(atPath: out) else {
            return try ResultStore.create(out, plan: plan, provenance: provenance, shard: options.shard, programVersion: options.programVersion)
        }
        let store = try ResultStore.open(out)
        let meta = try store.metadata()
        if let difference = provenance.difference(from: try store.provenance()) {
            throw Diagnostic(file: out, problem: "cannot resume: these results came from different inputs (\(difference), now versus in the database)",
                             fix: "Restore the files the batch started with, or start a new batch with another --out")
        }
        if meta["shard"] != options.shard.description {
            throw Diagnostic(file: out, problem: "cannot resume: the database holds shard \(meta["shard"] ?? "?"), not \(options.shard)",
                             fix: "Resume with --shard \(meta["shard"] ?? "?") (or without --shard when it says all)")
        }
        if meta["runs"] != String(plan.runCount) || meta["seed"] != String(experiment.seed) {
            throw Diagnostic(file: out, problem: "cannot resume: the database describes another design (\(meta["runs"] ?? "?") runs)",
                             fix: "Start a new batch with another --out")
        }
        return store
    }
}
