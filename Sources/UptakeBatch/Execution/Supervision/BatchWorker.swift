import Foundation
import UptakeScripting
#if canImport(Glibc)
    import Glibc
#endif

/// The worker side of a supervised batch: the process `uptake worker`
/// runs. It loads the experiment once, then reads `run N` lines on stdin,
/// runs each run and writes its result as one `WorkerMessage` line on fd 3.
/// Where it is (plugin, hook, tick) and a heartbeat go to its `RunTrace`,
/// so the supervisor can say where a run was if this process dies.
public enum BatchWorker {
    /// The descriptor results go to (set up by `ChildProcess`).
    static let resultDescriptor: Int32 = 3

    /// Serves runs until stdin ends. Returns the process's exit status.
    public static func serve(experimentFile: String, tracePath: String) -> Int32 {
        let parent = getppid()
        var executor: RunExecutor
        let trace: RunTrace
        do {
            executor = RunExecutor(plan: DesignPlan(try ExperimentLoader.load(file: experimentFile)))
            trace = try RunTrace(path: tracePath, create: false)
            if let fault = try InjectedFault.fromEnvironment() { executor.hookObserver = fault.observer(trace: trace) }
        } catch {
            FileHandle.standardError.write(Data("uptake worker: \(error)\n".utf8))
            return 2
        }
        trace.startHeartbeat()
        watch(parent: parent)
        let results = FileHandle(fileDescriptor: resultDescriptor, closeOnDealloc: false)
        while let line = readLine() {
            guard line.hasPrefix("run "), let run = Int(line.dropFirst(4)), (0..<executor.plan.runCount).contains(run)
            else {
                FileHandle.standardError.write(Data("uptake worker: unexpected command '\(line.prefix(80))'\n".utf8))
                return 2
            }
            let result = executor.execute(run: run, trace: trace)
            trace.clear()
            do {
                try results.write(contentsOf: WorkerMessage.encode(result))
            } catch {
                return 1  // the supervisor is gone
            }
        }
        return 0
    }

    /// Ends this process when its supervisor is gone (killed with SIGKILL, it
    /// cannot close our stdin in time to stop a long run): the run's result
    /// would have nowhere to go.
    static func watch(parent: pid_t) {
        let thread = Thread {
            while getppid() == parent { Thread.sleep(forTimeInterval: 0.2) }
            _exit(1)
        }
        thread.stackSize = 64 << 10
        thread.start()
    }
}

/// A fault injected into a worker for tests of the supervisor, from the
/// environment variable `UPTAKE_INJECT_FAULT`: "crash run=N tick=T" makes
/// the worker die of SIGSEGV, "hang run=N tick=T" makes it block in a C call
/// for ever, when run N enters a hook at tick T. Ignored outside workers.
public struct InjectedFault: Sendable {
    enum Kind: String { case crash, hang }
    let kind: Kind
    let run: Int
    let tick: Int

    public static func fromEnvironment() throws -> InjectedFault? {
        guard let text = ProcessInfo.processInfo.environment["UPTAKE_INJECT_FAULT"], !text.isEmpty else { return nil }
        let words = text.split(separator: " ")
        var values: [String: Int] = [:]
        for word in words.dropFirst() {
            let pair = word.split(separator: "=")
            if pair.count == 2, let n = Int(pair[1]) { values[String(pair[0])] = n }
        }
        guard let first = words.first, let kind = Kind(rawValue: String(first)), let run = values["run"],
            let tick = values["tick"]
        else {
            throw RunTrace.TraceError(
                message:
                    "UPTAKE_INJECT_FAULT must read like \"crash run=3 tick=2\" or \"hang run=3 tick=2\", not '\(text)'")
        }
        return InjectedFault(kind: kind, run: run, tick: tick)
    }

    func observer(trace: RunTrace) -> @Sendable (String, String, Int) -> Void {
        let fault = self
        return { _, _, tick in
            if trace.run == fault.run { fault.strike(tick: tick) }
        }
    }

    /// Crashes or hangs when the run is at the fault's tick (`uptake run` is run 0).
    public func strike(tick: Int) {
        guard tick == self.tick else { return }
        switch kind {
        case .crash:
            // A real bad write, as a faulty library would make (raise() would return after Swift's crash handler).
            UnsafeMutablePointer<UInt8>(bitPattern: 16)!.pointee = 0
        case .hang:
            while true { pause() }
        }
    }
}
