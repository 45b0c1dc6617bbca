import UptakeKernel
import UptakeScripting

/// Checks an experiment before a batch starts: prepares (without running) the
/// first design point, then that point with each parameter moved to each of
/// its listed values (up to 20) or to its interval's ends. A misspelt path or
/// an out-of-range value is then one error at the experiment file's line,
/// not thousands of failed runs.
public enum ExperimentPreflight {
    static let probedValuesPerParameter = 20

    /// Checks an experiment as `uptake batch` will run it (for `uptake slurm`, before anything is submitted).
    public static func check(_ experiment: Experiment, searchPath: PluginSearchPath? = nil) throws {
        _ = try check(RunExecutor(plan: DesignPlan(experiment), searchPath: searchPath))
    }

    /// What the first design point showed about every run.
    struct Findings {
        /// The plugins the runs resolve (for provenance).
        var plugins: [PluginManifest]
        /// The runs' calendar (dates of the exported series); nil when the
        /// experiment varies `start` or `unit`, so runs have different calendars.
        var calendar: TickCalendar?
    }

    static func check(_ executor: RunExecutor) throws -> Findings {
        let experiment = executor.plan.experiment
        let first = executor.plan.point(0)
        let session = try located(executor) { try executor.prepare(first) }
        let calendarVaries = experiment.parameters.contains { $0.path == "start" || $0.path == "unit" }
        let findings = Findings(plugins: session.plugins, calendar: calendarVaries ? nil : session.simulation.calendar)
        for (k, parameter) in experiment.parameters.enumerated() {
            let probes: [LuaValue]
            switch parameter.domain {
            case .values(let values): probes = Array(values.prefix(probedValuesPerParameter))
            case let .interval(lo, hi): probes = [.number(lo), .number(hi)]
            }
            for value in probes where !ExperimentParameter.same(value, first.values[k]) {
                var probe = first
                probe.values[k] = value
                _ = try located(executor) { try executor.prepare(probe) }
            }
        }
        return findings
    }

    static func located<T>(_ executor: RunExecutor, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let d as Diagnostic {
            throw located(d, in: executor.plan.experiment)
        }
    }

    /// Errors about an override name it as `--set path=value (...)`; point them at the experiment's line instead.
    static func located(_ d: Diagnostic, in experiment: Experiment) -> Diagnostic {
        guard let file = d.file, file.hasPrefix("--set ") else { return d }
        let text = String(file.dropFirst("--set ".count))
        let assignment = text.components(separatedBy: " (").first ?? text
        let path = assignment.components(separatedBy: "=").first ?? assignment
        let group: String
        if let p = experiment.parameters.first(where: { $0.path == path }) {
            group = p.role == .lever ? "levers" : "uncertainties"
        } else if experiment.fixed.contains(where: { $0.path.joined(separator: ".") == path }) {
            group = "set"
        } else {
            return d
        }
        var located = experiment.context.diagnostic(
            path: [group, path], problem: "with \(assignment): \(d.problem)", fix: d.fix)
        located.plugin = d.plugin
        return located
    }
}
