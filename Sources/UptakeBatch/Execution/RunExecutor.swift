import Foundation
import UptakeKernel
import UptakeScripting

/// Runs one run of a batch from scratch: a fresh `RunSession` (its own Lua
/// state, scenario, plugins and simulation) with the design point's overrides
/// and the run's seed, then keeps what the experiment records. Any error
/// becomes a failed result with its one-line message; nothing is thrown, so
/// one bad run never stops the batch.
public struct RunExecutor: Sendable {
    public let plan: DesignPlan
    public let searchPath: PluginSearchPath?
    /// Told (plugin, hook, tick) before each hook call of every run, after the trace.
    public var hookObserver: (@Sendable (String, String, Int) -> Void)?
    /// The plugins found and checked by the first run, for the others (one per
    /// executor, so one per worker process): see `SharedPreparation`.
    let shared = SharedPreparation()

    public init(plan: DesignPlan, searchPath: PluginSearchPath? = nil) {
        self.plan = plan
        self.searchPath = searchPath
    }

    /// Prepares a session for a point without running it (to check the experiment before a batch).
    public func prepare(point: Int, seed: UInt64? = nil, trace: RunTrace? = nil) throws -> RunSession {
        try prepare(plan.point(point), seed: seed, trace: trace)
    }

    /// Prepares a session for a point's values (possibly altered, to probe other values).
    func prepare(_ point: DesignPlan.Point, seed: UInt64? = nil, trace: RunTrace? = nil) throws -> RunSession {
        var options = RunSession.Options(
            seed: seed ?? plan.seed(point: point.index, replicate: 0), overrides: plan.overrides(for: point),
            searchPath: searchPath)
        options.shared = shared
        let observer = hookObserver
        if trace != nil || observer != nil {
            options.hookObserver = { plugin, hook, tick in
                trace?.enter(plugin: plugin, hook: hook, tick: tick)
                observer?(plugin, hook, tick)
            }
        }
        return try RunSession(file: plan.experiment.scenarioFile, options: options)
    }

    /// Runs one run; with a `trace`, leaves where it is (plugin, hook,
    /// tick) and its wall-clock limit there for a supervisor to read.
    public func execute(run: Int, trace: RunTrace? = nil) -> RunResult {
        let (point, replicate) = plan.run(run)
        let seed = plan.seed(point: point, replicate: replicate)
        let started = DispatchTime.now().uptimeNanoseconds
        var result = RunResult(
            run: run, point: point, replicate: replicate, seed: seed, status: .ok, error: nil, ticks: 0,
            durationSeconds: 0, outputs: [], series: [])
        do {
            trace?.begin(run: run, limitSeconds: 0)
            let session = try prepare(point: point, seed: seed, trace: trace)
            let log = session.host.logSink
            var warnings: [String] = []
            session.host.logSink = { line in
                if Self.warningText(line) != nil { warnings.append(line) } else { log(line) }
            }
            defer { result.warnings = warnings }
            trace?.begin(run: run, limitSeconds: session.lua.limits.seconds)
            if let stop = plan.experiment.stop {
                let observer = StopObserver(host: session.host, stop: stop)
                try observer.run(session.simulation)
                guard observer.sawMetric else {
                    let known = StopObserver.knownMetrics(session.simulation)
                    throw plan.experiment.context.diagnostic(
                        path: ["stop", "metric"],
                        problem:
                            "the stop metric '\(stop.metric)' is neither an output of the run nor a metric a plugin recorded",
                        fix: Suggestion.hint(for: stop.metric, in: known).capitalizedFirst)
                }
            } else {
                try session.run()
            }
            try record(session.simulation, into: &result)
        } catch {
            result.status = .failed
            result.error = (error as? Diagnostic)?.description ?? String(describing: error)
            result.outputs = []
            result.series = []
        }
        result.durationSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return result
    }

    /// The experiment's `record` lists read off the run's numbers (no text in
    /// between, so no digits are lost); only those columns are computed.
    func record(_ simulation: Simulation, into result: inout RunResult) throws {
        let spec = plan.experiment.record
        let table = OutputTable(simulation, keeping: Set(spec.final + spec.series), dated: false)
        result.ticks = table.rows.count
        func column(_ name: String, _ key: String) throws -> Int {
            guard let i = table.column(name) else {
                throw plan.experiment.context.diagnostic(
                    path: ["record", key], problem: "the runs have no numeric column '\(name)' to record",
                    fix: Suggestion.hint(for: name, in: OutputTable(simulation).names).capitalizedFirst)
            }
            return i
        }
        let finalColumns = try spec.final.map { try column($0, "final") }
        let seriesColumns = try spec.series.map { try column($0, "series") }
        guard let last = table.rows.last else { return }
        result.outputs = zip(spec.final, finalColumns).map { ($0, last[$1]) }
        result.outputs.append(("ticks_run", Double(table.rows.count)))
        if seriesColumns.isEmpty { return }
        for (t, row) in table.rows.enumerated() where t % spec.every == 0 || t == table.rows.count - 1 {
            for (name, c) in zip(spec.series, seriesColumns) { result.series.append((t, name, row[c])) }
        }
    }

    /// The text of a host warning after "warning: " (without the tick and
    /// plugin prefix that differ from run to run), nil for any other line.
    static func warningText(_ line: String) -> String? {
        guard let range = line.range(of: "warning: ") else { return nil }
        return String(line[range.lowerBound...])
    }
}
