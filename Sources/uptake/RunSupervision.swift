import Foundation
import UptakeScripting
#if canImport(Glibc)
    import Glibc
#endif

/// `uptake run` under supervision: the command starts itself again as a
/// child that does the run, and watches it. Whatever the run does to its
/// process (a crash in a library, a hang in a C call past the run's
/// wall-clock limit, a freeze), the user gets one line saying what happened
/// and in which plugin, hook and tick, from the trace the child leaves
/// (`RunTrace`). The child shares the terminal: output streams as usual.
enum RunSupervision {
    /// Set in the child's environment: the trace file to write.
    static let traceVariable = "UPTAKE_RUN_TRACE"
    /// Added to the scenario's limits.seconds before the child is killed: its own limit ends Lua code first.
    static let grace = 5.0
    /// Seconds without a heartbeat after which the child is taken as stopped.
    static let answerTimeout = 30.0

    /// The trace to write when this process is the supervised child, else nil.
    static func childTrace() throws -> RunTrace? {
        guard let path = ProcessInfo.processInfo.environment[traceVariable] else { return nil }
        let trace = try RunTrace(path: path, create: false)
        trace.startHeartbeat()
        trace.begin(run: 0, limitSeconds: 0)
        return trace
    }

    /// Runs this command again as a supervised child and ends as it ends: with
    /// the child's exit status (the child told its own errors), or throws
    /// when the child was killed by a signal or had to be.
    static func supervise(scenario: String) throws -> Never {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "uptake-run-\(getpid())-\(UUID().uuidString.prefix(8)).trace")
        let trace = try RunTrace(path: scratch.path, create: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let environment = ChildProcess.quietCrashReports.merging([traceVariable: scratch.path]) { $1 }
        // Ctrl-C reaches the child too (same process group), and the child
        // decides: all outputs or none (RunInterruption). A SIGINT or SIGTERM
        // sent to this process alone is passed on to the child.
        signal(SIGINT, SIG_IGN)
        let child = try ChildProcess(
            executable: SelfExecutable.path, arguments: Array(CommandLine.arguments.dropFirst()),
            environment: environment, pipes: false)
        signal(SIGTERM, SIG_IGN)
        let forwarding = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { kill(child.pid, number) }
            source.resume()
            return source
        }
        defer { forwarding.forEach { $0.cancel() } }
        let started = now()
        var lastBeat = trace.heartbeat, lastBeatAt = started
        while true {
            if let ending = child.wait() {
                try? FileManager.default.removeItem(at: scratch)
                switch ending {
                case .exited(let code): exit(code)
                case .signaled(let number) where number == SIGINT || number == SIGTERM:
                    // Only before the child set up its own handling, so before any output.
                    throw Interrupted("interrupted while starting the run; nothing written")
                case .signaled:
                    throw failure(
                        "the run crashed: its process \(ending), \(trace.position)", trace: trace, scenario: scenario)
                }
            }
            usleep(20_000)
            let t = now()
            if trace.heartbeat != lastBeat {
                lastBeat = trace.heartbeat
                lastBeatAt = t
            }
            let limit = trace.limitSeconds
            if limit > 0, t - started > limit + grace {
                child.terminate()
                throw failure(
                    "the run passed its wall-clock limit of \(limit) s and was killed, \(trace.position)", trace: trace,
                    scenario: scenario)
            }
            if t - lastBeatAt > answerTimeout {
                child.terminate()
                throw failure(
                    "the run stopped answering for \(Int(answerTimeout)) s and was killed, \(trace.position)",
                    trace: trace, scenario: scenario)
            }
        }
    }

    /// The error for a child that crashed or was killed: what happened, where, and who to tell.
    static func failure(_ what: String, trace: RunTrace, scenario: String) -> UserFacingError {
        let plugin = trace.plugin
        let fix =
            plugin.isEmpty
            ? "This is a bug in uptake: please report it with the scenario and seed"
            : "Run without plugin '\(plugin)' to confirm it is the cause, and report it to the plugin's authors with the scenario and seed"
        // The child's progress line may still be on the terminal: end it, so that the error starts below it.
        if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        return UserFacingError("\(scenario): \(what). \(fix)")
    }

    static func now() -> Double { ChildProcess.monotonicSeconds() }
}
