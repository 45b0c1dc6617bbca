import Foundation
import UptakeScripting
#if canImport(Glibc)
    import Glibc
#endif

/// Runs a batch's runs in a pool of worker processes (`uptake worker`), so
/// that a run that crashes, hangs or bloats costs that run, never the batch.
/// This process stays the only writer of the results database: it hands
/// each worker one run at a time and delivers results as they come.
///
/// What ends a worker, and what it means for its run:
/// - it dies (any signal, or an exit) while running: the run is tried again
///   in a fresh worker, up to `Limits.attempts` times in all, since the
///   cause may be outside the run (the OOM killer, an operator's kill);
///   a run that takes its worker down every time is recorded as failed,
///   with the signal, the plugin, hook and tick it was in, and the seed;
/// - it passes the run's wall-clock limit (the scenario's `limits.seconds`
///   plus `Limits.grace`, or `Limits.runTimeout`) or `Limits.memoryBytes`:
///   it is killed and the run recorded as failed (a run is deterministic:
///   trying again would do the same);
/// - it stops answering (its heartbeat, beaten by a thread of its own, goes
///   stale: the process is stopped or frozen): it is killed and the run
///   tried again, as for a death.
final class WorkerPool {
    struct Limits {
        /// Hard wall-clock limit per run, seconds (overrides the scenario's).
        var runTimeout: Double?
        /// Added to the scenario's `limits.seconds` before a worker is killed:
        /// the scenario's own limit ends Lua code cleanly first.
        var grace: Double = 5
        /// Seconds without a heartbeat after which a worker is taken as stopped.
        var answerTimeout: Double = 10
        /// Resident memory a worker may use (nil: no limit).
        var memoryBytes: Int?
        /// How many times a run may be started before a worker death is its failure.
        var attempts: Int = 3
    }

    let executable: String
    let experimentFile: String
    let plan: DesignPlan
    let jobs: Int
    let limits: Limits
    private let scratch: URL

    init(executable: String, experimentFile: String, plan: DesignPlan, jobs: Int, limits: Limits) throws {
        self.executable = executable
        self.experimentFile = experimentFile
        self.plan = plan
        self.jobs = max(1, jobs)
        self.limits = limits
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "uptake-workers-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    deinit {
        shutdown()
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Runs handed to a worker at a time: the one it is on and the next, so
    /// it never waits for this process to read a result and write it.
    static let runsInFlight = 2

    /// One worker process and the runs it was given, in order (the first is
    /// the one it is on).
    final class Worker {
        let process: ChildProcess
        let trace: RunTrace
        /// Bytes read after its last complete line.
        var pending: [UInt8] = []
        var runs: [Int] = []
        var run: Int? { runs.first }
        /// When the worker started its current run (as far as this process can tell).
        var startedAt = 0.0
        var lastBeat: UInt64 = 0
        var lastBeatAt = 0.0
        init(process: ChildProcess, trace: RunTrace) {
            self.process = process
            self.trace = trace
        }

        /// Ends the process (killed and reaped; one that is idle has its input closed first).
        func end() {
            process.closePipes()
            process.terminate()
        }
    }

    struct PoolError: Error, CustomStringConvertible { let description: String }

    static func now() -> Double { ChildProcess.monotonicSeconds() }

    private var slotCounter = 0
    /// The worker processes, in slots: one that ends is replaced in its slot.
    private var workers: [Worker] = []

    /// Starts the workers before there is work for them: each loads the
    /// experiment while this process checks it and makes the results
    /// database (both take tens of milliseconds). Idempotent.
    func start() throws {
        while workers.count < jobs { workers.append(try spawn()) }
    }

    /// Ends every worker.
    func shutdown() {
        workers.forEach { $0.end() }
        workers = []
    }

    private func spawn() throws -> Worker {
        slotCounter += 1
        let tracePath = scratch.appendingPathComponent("worker-\(slotCounter).trace").path
        let trace = try RunTrace(path: tracePath, create: true)
        let process = try ChildProcess(
            executable: executable, arguments: ["worker", experimentFile, "--trace", tracePath],
            environment: ChildProcess.quietCrashReports, pipes: true)
        let worker = Worker(process: process, trace: trace)
        worker.lastBeatAt = Self.now()
        return worker
    }

    /// Runs `todo` and calls `deliver` (on this thread) with each result as it
    /// comes; stops early when `cancelled` says so. `whileWaiting` is called each
    /// time the wait for workers ends (a result, or a tenth of a second without one).
    func run(
        _ todo: [Int], deliver: (RunResult) throws -> Void, cancelled: () -> Bool = { false },
        whileWaiting: () throws -> Void = {}
    ) throws {
        var queue = todo[...]
        var retries: [Int] = []
        var attempts: [Int: Int] = [:]
        var idleDeaths = 0
        try start()
        defer { shutdown() }
        // Started before the runs to do were known: more workers than runs end now.
        while workers.count > todo.count { workers.removeLast().end() }

        func nextRun() -> Int? {
            if !retries.isEmpty { return retries.removeFirst() }
            return queue.popFirst()
        }
        func assign(_ w: Worker) {
            while w.runs.count < Self.runsInFlight, let run = nextRun() {
                attempts[run, default: 0] += 1
                if w.runs.isEmpty { w.startedAt = Self.now() }
                w.runs.append(run)
                if !w.process.send("run \(run)") { break }  // it died: found at the next poll
            }
        }
        /// Ends worker `index` for `cause`; its run is retried or recorded as failed; a fresh worker takes its place.
        func retire(_ index: Int, cause: String, retry: Bool) throws {
            let w = workers[index]
            w.end()
            // Runs it had not started go back to the front of the line, uncounted.
            for queued in w.runs.dropFirst().reversed() {
                attempts[queued, default: 1] -= 1
                retries.insert(queued, at: 0)
            }
            if let run = w.run {
                if retry && attempts[run, default: 0] < limits.attempts {
                    retries.append(run)
                } else {
                    try deliver(failure(run: run, cause: cause, trace: w.trace))
                }
            } else {
                idleDeaths += 1
                if idleDeaths > 3 * jobs + 3 {
                    throw PoolError(
                        description:
                            "worker processes keep ending before they run anything (the last one \(cause)); run 'uptake worker' by hand to see why"
                    )
                }
            }
            workers[index] = try spawn()
        }

        workers.forEach(assign)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while workers.contains(where: { $0.run != nil }) && !cancelled() {
            var fds = workers.map { pollfd(fd: $0.process.resultFD, events: Int16(POLLIN), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 100)
            try whileWaiting()
            let now = Self.now()
            for index in workers.indices {
                let w = workers[index]
                if fds[index].revents != 0 {
                    let n = read(w.process.resultFD, &chunk, chunk.count)
                    if n > 0 {
                        // Lines are cut from a local copy: searching the class's buffer in place
                        // checked exclusive access for every byte (a tenth of this process).
                        var bytes = w.pending
                        bytes.append(contentsOf: chunk[0..<n])
                        w.pending = []
                        var lineStart = 0
                        defer { w.pending = Array(bytes[lineStart...]) }
                        while let newline = bytes[lineStart...].firstIndex(of: 0x0A) {
                            let message = try bytes[lineStart..<newline].withUnsafeBufferPointer(
                                WorkerMessage.decode)  // a RunResult
                            lineStart = newline + 1
                            guard message.run == w.run else {
                                throw PoolError(
                                    description:
                                        "a worker answered for run \(message.run) while it had run \(w.run.map(String.init) ?? "none")"
                                )
                            }
                            w.runs.removeFirst()
                            w.startedAt = now
                            assign(w)  // first: the worker goes on while this process writes
                            try deliver(message)
                        }
                        continue
                    }
                    if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    // End of file: the worker is gone.
                    let ending = w.process.wait(blocking: true).map { "\($0)" } ?? "ended"
                    try retire(index, cause: ending, retry: true)
                    assign(workers[index])
                    continue
                }
                guard w.run != nil else { continue }
                let beat = w.trace.heartbeat
                if beat != w.lastBeat {
                    w.lastBeat = beat
                    w.lastBeatAt = now
                }
                let scenarioLimit = w.trace.limitSeconds
                let hardLimit = limits.runTimeout ?? (scenarioLimit > 0 ? scenarioLimit + limits.grace : nil)
                if let hardLimit, now - w.startedAt > hardLimit {
                    try retire(
                        index,
                        cause:
                            "was killed: the run took longer than its wall-clock limit of \(Self.seconds(hardLimit))",
                        retry: false)
                } else if now - w.lastBeatAt > limits.answerTimeout {
                    try retire(
                        index, cause: "stopped answering for \(Self.seconds(limits.answerTimeout)) and was killed",
                        retry: true)
                } else if let memory = limits.memoryBytes, w.process.residentBytes > memory {
                    try retire(
                        index, cause: "was killed: it used more than the worker memory limit of \(memory >> 20) MiB",
                        retry: false)
                } else {
                    continue
                }
                assign(workers[index])
            }
        }
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s) }

    /// The failed result of a run whose worker ended for `cause`.
    func failure(run: Int, cause: String, trace: RunTrace) -> RunResult {
        let position = trace.run == run ? trace.position : "before it began the run"
        let (point, replicate) = plan.run(run)
        let seed = plan.seed(point: point, replicate: replicate)
        let sets = plan.overrides(for: plan.point(point)).compactMap { o -> String? in
            if case .table = o.value { return nil }
            return " --set \(o.path.joined(separator: "."))=\(o.value.string ?? o.value.description)"
        }.joined()
        let message =
            "the run's worker process \(cause), \(position); reproduce with: uptake run \(plan.experiment.scenarioFile) --seed \(seed)\(sets)"
        return RunResult(
            run: run, point: point, replicate: replicate, seed: seed, status: .failed, error: message, ticks: 0,
            durationSeconds: 0, outputs: [], series: [])
    }
}
