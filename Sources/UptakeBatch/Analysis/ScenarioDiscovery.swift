import Foundation
import UptakeFiles
import UptakeReport
import UptakeScripting

/// `uptake discover`: in which part of the experiment's inputs does an
/// outcome happen? Every successful run is a row: its design point's values
/// of the levers and uncertainties that vary, and whether its recorded
/// final value meets a condition (`adoption>=0.2`), the *case of interest*.
/// `Prim` finds the box of input ranges that concentrates the cases, with
/// its whole peeling and pasting trajectory, and `FeatureScores` ranks the
/// inputs by how differently the cases spread along them.
///
/// The box reported is the first step of the trajectory whose density (share
/// of cases among its runs) reaches `density` (0.8 by default, EMA
/// Workbench's usual threshold), or the step the user chose.
///
///     let stalls = try ScenarioDiscovery.condition(outcome: "adoption<=0.2", threshold: nil, below: nil, in: data)
///     let discovery = try ScenarioDiscovery(data, condition: stalls)
///     discovery.chosenStep  // the step whose box is shown
public struct ScenarioDiscovery: Sendable {
    /// A condition on a recorded final value, as `uptake results --robust --target` reads it.
    public typealias Condition = RobustRanking.Target

    /// An input PRIM works on: a parameter that takes more than one value in the runs.
    public struct Input: Sendable {
        public var name: String
        /// "lever" or "uncertainty".
        public var role: String
        /// Sampled from an interval by the design (else listed values).
        public var sampled: Bool
    }

    public var condition: Condition
    public var options: Prim.Options
    public var densityThreshold: Double
    /// The inputs, in the order of `prim.dimensions`.
    public var inputs: [Input]
    /// Parameters left out because they take one value in every run, with that value.
    public var constantInputs: [(name: String, value: String)]
    /// Each row's run, point, replicate and outcome value.
    public var rows: [(run: Int, point: Int, replicate: Int, outcome: Double)]
    public var failedRuns: Int
    /// Successful runs without the outcome (NaN, or not recorded).
    public var missingOutcomes: Int
    public var prim: Prim
    public var scores: FeatureScores
    /// The step whose box is reported: the one asked for, else the first dense enough; nil when none is.
    public var chosenStep: Int?
    public var stepWasRequested: Bool
    public var experimentName: String
    public var caseCount: Int { prim.cases.filter { $0 }.count }

    /// Reads the rows from `data` and runs PRIM and the feature scores. `step`:
    /// a step of the trajectory to report instead of the first dense enough.
    public init(
        _ data: ResultsData, condition: Condition, options: Prim.Options = Prim.Options(), density: Double = 0.8,
        step: Int? = nil
    ) throws {
        self.condition = condition
        self.options = options
        densityThreshold = density
        experimentName = data.metadata["name"] ?? ""
        let file = data.metadata["file"]
        let metric = condition.metric
        let pointByIndex = Dictionary(data.points.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [(run: Int, point: Int, replicate: Int, outcome: Double)] = []
        var failed = 0, missing = 0
        for run in data.runs {
            guard run.status == "ok", pointByIndex[run.point] != nil else {
                failed += 1
                continue
            }
            guard let value = run.outputs[metric], !value.isNaN else {
                missing += 1
                continue
            }
            rows.append((run.run, run.point, run.replicate, value))
        }
        guard !rows.isEmpty else {
            let problem =
                failed == data.runs.count
                ? "none of the batch's \(data.runs.count) runs succeeded, so there is nothing to discover"
                : "no successful run has a value of '\(metric)' (it is missing or not a number in all \(missing))"
            throw Diagnostic(
                file: file, problem: problem,
                fix: "See what went wrong with: uptake results DATABASE (it lists the failed runs)")
        }
        self.rows = rows
        failedRuns = failed
        missingOutcomes = missing

        let cases = rows.map { condition.isMet($0.outcome) }
        let caseCount = cases.filter { $0 }.count
        if caseCount == 0 || caseCount == rows.count {
            let values = rows.map(\.outcome).sorted()
            let every = caseCount == rows.count
            throw Diagnostic(
                file: "--outcome \(condition.text)",
                problem:
                    "\(every ? "all" : "none") of the \(rows.count) runs \(every ? "meet" : "meets") \(condition.text), so no box can tell the cases of interest from the other runs",
                fix:
                    "Choose a threshold inside the range \(metric) takes in these runs, \(Readable.number(values.first!)) to \(Readable.number(values.last!)) (its median is \(Readable.number(values[values.count / 2])))"
            )
        }

        let points = rows.map { pointByIndex[$0.point]! }
        let (dimensions, inputs, constant) = try ScenarioDiscovery.inputs(data, points: points)
        guard !dimensions.isEmpty else {
            throw Diagnostic(
                file: file,
                problem:
                    "no lever or uncertainty of the batch takes more than one value in its runs, so there is no range to find",
                fix:
                    "Vary some in the experiment (levers = { ... }, uncertainties = { [\"model.word_of_mouth\"] = { min = 0.25, max = 0.75 } }) and run it again"
            )
        }
        self.inputs = inputs
        constantInputs = constant
        prim = Prim(dimensions: dimensions, cases: cases, options: options)
        scores = FeatureScores(dimensions: dimensions, cases: cases)
        if let step {
            guard prim.trajectory.indices.contains(step) else {
                throw Diagnostic(
                    file: "--box \(step)",
                    problem: "the trajectory has no step \(step): its steps are 0 to \(prim.trajectory.count - 1)",
                    fix: "Choose one of them, e.g. --box \(prim.trajectory.count - 1) (the densest box)")
            }
            chosenStep = step
        } else {
            chosenStep = prim.firstStep(withDensityAtLeast: density)
        }
        stepWasRequested = step != nil
    }

    /// The inputs of the rows whose design points are `points`: a parameter
    /// that takes one value in them is left out (with that value); one whose
    /// every value is a number is numeric, any other categorical.
    static func inputs(_ data: ResultsData, points: [ResultsData.Point]) throws
        -> (dimensions: [Prim.Dimension], inputs: [Input], constant: [(name: String, value: String)])
    {
        var dimensions: [Prim.Dimension] = []
        var inputs: [Input] = []
        var constant: [(name: String, value: String)] = []
        for (k, parameter) in data.parameters.enumerated() {
            let texts = points.map { k < $0.values.count ? $0.values[k] : "" }
            guard Set(texts).count > 1 else {
                constant.append((parameter.path, texts.first ?? ""))
                continue
            }
            // Results assembled without point_values.number read the numbers from the text.
            let numbers = points.indices.map { i -> Double? in
                k < points[i].numbers.count ? points[i].numbers[k] : Double(texts[i])
            }
            if numbers.allSatisfy({ $0 != nil }) {
                let values = numbers.map { $0! }
                if let bad = values.firstIndex(where: \.isNaN) {
                    throw Diagnostic(
                        file: data.metadata["file"],
                        problem:
                            "parameter '\(parameter.path)' is not a number (nan) at design point \(points[bad].index), and PRIM cannot order it",
                        fix: "Give the parameter numbers in the experiment and run the batch again")
                }
                dimensions.append(Prim.Dimension(name: parameter.path, numbers: values))
            } else {
                // Strings, booleans, or numbers mixed with either: unordered categories.
                dimensions.append(Prim.Dimension(name: parameter.path, categories: texts))
            }
            inputs.append(Input(name: parameter.path, role: parameter.role, sampled: parameter.sampled))
        }
        return (dimensions, inputs, constant)
    }

    /// The condition from `uptake discover`'s options: `--outcome NAME>=NUMBER`
    /// (or `<=`), or `--outcome NAME` (default: as `uptake results`) with
    /// `--threshold NUMBER` and `below` for `<=` (else `>=`). `below` is nil
    /// when neither --above nor --below was given.
    public static func condition(outcome: String?, threshold: Double?, below: Bool?, in data: ResultsData) throws
        -> Condition
    {
        let text = outcome ?? ""
        func recorded(_ name: String) throws {
            guard data.metrics.contains(name) else {
                throw Diagnostic(
                    file: "--outcome \(text)", problem: "the batch recorded no final value '\(name)'",
                    fix: Suggestion.hint(for: name, in: data.metrics).capitalizedFirst)
            }
        }
        if text.contains(where: { "<>=".contains($0) }) {
            guard let parsed = Condition.parse(text) else {
                throw Diagnostic(
                    file: "--outcome \(text)", problem: "a condition is NAME>=NUMBER or NAME<=NUMBER",
                    fix: "Write e.g. --outcome 'adoption>=0.2' (quoted, so the shell leaves > alone)")
            }
            try recorded(parsed.metric)
            guard threshold == nil, below == nil else {
                throw Diagnostic(
                    file: "--outcome \(text)",
                    problem:
                        "the condition already says which runs are of interest; --threshold, --above and --below go with an outcome's name",
                    fix:
                        "Give either --outcome '\(text)' or --outcome \(parsed.metric) --threshold \(ScenarioDiscovery.exact(parsed.value))\(parsed.atLeast ? "" : " --below")"
                )
            }
            return parsed
        }
        let name = outcome ?? PolicyComparison.defaultOutcome(data)
        try recorded(name)
        guard let threshold else {
            throw Diagnostic(
                file: "uptake discover", problem: "which runs are the cases of interest is not said",
                fix:
                    "Add --threshold NUMBER (the runs with \(name) at or above it; --below for at or below), or give a condition: --outcome '\(name)>=NUMBER'"
            )
        }
        return Condition(metric: name, atLeast: !(below ?? false), value: threshold)
    }

    // MARK: - Reading a box

    /// A restricted input's limits in words: "0.2 .. 0.6", ">= 0.2", "<= 0.6", "{a, b}";
    /// for listed numbers, the values inside too.
    func limitText(_ j: Int, _ limit: Prim.Limit) -> String {
        let d = prim.dimensions[j]
        switch (limit, prim.initialLimits[j]) {
        case let (.interval(lower, upper), .interval(smallest, largest)):
            let f = Readable.number
            var text =
                lower != smallest && upper != largest
                ? "\(f(lower)) .. \(f(upper))" : lower != smallest ? ">= \(f(lower))" : "<= \(f(upper))"
            if !inputs[j].sampled {
                let inside = Set(d.values.filter { lower <= $0 && $0 <= upper }).sorted()
                text += " (" + inside.map(f).joined(separator: ", ") + ")"
            }
            return text
        case let (.categories(inside), _):
            return "{" + inside.sorted().map { d.categories[$0] }.joined(separator: ", ") + "}"
        default:
            return ""
        }
    }

    /// Every value or category an input takes, in words: "0.25 .. 0.75", "{a, b, c}".
    func rangeText(_ j: Int) -> String {
        switch prim.initialLimits[j] {
        case let .interval(smallest, largest): return "\(Readable.number(smallest)) .. \(Readable.number(largest))"
        case .categories(let every):
            return "{" + every.sorted().map { prim.dimensions[j].categories[$0] }.joined(separator: ", ") + "}"
        }
    }

    func moveText(_ move: Prim.Move, limits: [Prim.Limit]) -> String {
        switch move {
        case .start: return "all runs"
        case let .peel(j, side), let .paste(j, side):
            let verb = if case .peel = move { "peel" } else { "paste" }
            let name = prim.dimensions[j].name
            switch (side, limits[j]) {
            case let (.lower, .interval(lower, _)): return "\(verb) \(name) >= \(Readable.number(lower))"
            case let (.upper, .interval(_, upper)): return "\(verb) \(name) <= \(Readable.number(upper))"
            case let (.category(c), _):
                let category = prim.dimensions[j].categories[c]
                return if case .peel = move { "peel \(name) without \(category)" } else {
                    "paste \(name) with \(category)"
                }
            default: return verb
            }
        }
    }

    // MARK: - Text

    /// The report `uptake discover` prints.
    public func text() -> String {
        let f = Readable.number, p = Readable.percent
        let n = rows.count
        var out = "Scenario discovery (PRIM) for \(condition.text)"
        out += experimentName.isEmpty ? "\n" : " in \"\(experimentName)\"\n"
        out += "\(caseCount) of \(n) runs are cases of interest (\(p(Double(caseCount) / Double(n))))"
        var leftOut: [String] = []
        if failedRuns > 0 { leftOut.append("\(failedRuns) failed run\(failedRuns == 1 ? "" : "s")") }
        if missingOutcomes > 0 {
            leftOut.append(
                "\(missingOutcomes) run\(missingOutcomes == 1 ? "" : "s") without a value of \(condition.metric)")
        }
        out += leftOut.isEmpty ? ".\n" : "; left out: \(leftOut.joined(separator: ", ")).\n"
        out += "Inputs: " + inputs.map { "\($0.name) (\($0.role))" }.joined(separator: ", ") + ".\n"
        if !constantInputs.isEmpty {
            out +=
                "Not inputs (one value in every run): "
                + constantInputs.map { "\($0.name)=\(ResultsData.short($0.value, sampled: false))" }.joined(
                    separator: ", ") + ".\n"
        }
        let o = options
        let defaults = o == Prim.Options() ? " (EMA Workbench's defaults)" : ""
        out +=
            "PRIM: peel_alpha \(f(o.peelAlpha)), paste_alpha \(f(o.pasteAlpha)), mass_min \(f(o.massMin))\(defaults).\n"

        out += "\nPeeling and pasting trajectory:\n"
        var table = [["step", "move", "coverage", "density", "mass", "runs", "restricted"]]
        for (i, s) in prim.trajectory.enumerated() {
            table.append([
                (i == chosenStep ? "* " : "") + String(i), moveText(s.move, limits: s.limits), p(s.coverage),
                p(s.density), p(s.mass), String(s.count), String(s.restricted.count),
            ])
        }
        out += TextTable.lines(table, left: [1]).map { "  " + $0 }.joined(separator: "\n") + "\n"
        out +=
            "coverage: share of the cases of interest inside the box; density: share of the box's runs that are cases; "
            + "mass: share of all runs inside the box.\n"

        out += "\n" + boxReport()
        out += "\n" + scoresReport()
        return out
    }

    func boxReport() -> String {
        let f = Readable.number, p = Readable.percent
        guard let step = chosenStep else {
            let densest = prim.trajectory.indices.max { prim.trajectory[$0].density < prim.trajectory[$1].density }!
            let s = prim.trajectory[densest]
            return
                "No step reaches density \(p(densityThreshold)): the densest box is step \(densest) (density \(p(s.density)), "
                + "coverage \(p(s.coverage))). Show a step's box with --box N, or lower --density.\n"
        }
        let s = prim.trajectory[step]
        var out =
            stepWasRequested
            ? "Box at step \(step) (--box \(step)):\n"
            : "Box at step \(step), the first with density >= \(p(densityThreshold)) (another: --box N):\n"
        out +=
            "  coverage \(p(s.coverage)) (\(s.cases) of the \(caseCount) cases), density \(p(s.density)) "
            + "(\(s.cases) of \(s.count) runs), mass \(p(s.mass))\n"
        guard !s.restricted.isEmpty else { return out + "  No input is restricted: the box holds every run.\n" }
        let quasiP = prim.quasiP(step: step)
        var table = [["input", "box", "all runs", "quasi-p"]]
        for j in s.restricted {
            let q = quasiP[j]!
            let values: String
            if prim.dimensions[j].kind == .categorical {
                values = q.lower.map(f) ?? ""
            } else {
                values = [q.lower.map { "lower \(f($0))" }, q.upper.map { "upper \(f($0))" }].compactMap { $0 }
                    .joined(separator: ", ")
            }
            table.append([prim.dimensions[j].name, limitText(j, s.limits[j]), rangeText(j), values])
        }
        out += TextTable.lines(table, left: [0, 1, 2, 3]).map { "  " + $0 }.joined(separator: "\n") + "\n"
        let free = prim.dimensions.indices.filter { !s.restricted.contains($0) }.map { prim.dimensions[$0].name }
        if !free.isEmpty { out += "  Unrestricted: \(free.joined(separator: ", ")).\n" }
        out +=
            "quasi-p: for each restricted side, the chance of a box this size with as many cases if that restriction "
            + "were lifted (one-sided binomial test); small (< 0.05) means the restriction matters.\n"
        return out
    }

    func scoresReport() -> String {
        let f = Readable.number, p = Readable.percent
        var out =
            "Feature scores: how differently each input is spread in the \(scores.casesCount) cases of interest "
            + "and the \(scores.othersCount) other runs\n"
            + "(Kolmogorov-Smirnov distance for numbers, total-variation distance for categories: 0 alike, 1 apart)\n"
        var table = [["rank", "input", "score", "cases / other runs"]]
        for s in scores.ranked {
            var contrast = ""
            if let a = s.meanInCases, let b = s.meanInOthers { contrast = "mean \(f(a)) / \(f(b))" }
            if let c = s.favoured { contrast = "\(c.category): \(p(c.inCases)) / \(p(c.inOthers))" }
            table.append([String(s.rank), s.name, f(s.score), contrast])
        }
        out += TextTable.lines(table, left: [1, 3]).map { "  " + $0 }.joined(separator: "\n") + "\n"
        if let critical = scores.criticalDistance, prim.dimensions.contains(where: { $0.kind != .categorical }) {
            out +=
                "A numeric input's score above \(f(critical)) is unlikely by chance (two-sample KS test, 5% level).\n"
        }
        return out
    }

    // MARK: - JSON and CSV

    /// A limit for files: {"low", "high"} or {"values"}.
    func limitObject(_ j: Int, _ limit: Prim.Limit) -> [String: Any] {
        switch limit {
        case let .interval(lower, upper): return ["low": lower, "high": upper]
        case .categories(let inside): return ["values": inside.sorted().map { prim.dimensions[j].categories[$0] }]
        }
    }

    /// A move for files: "start", "peel" or "paste"; the input; the side
    /// ("lower", "upper", "category"); the category removed or added.
    func moveFields(_ move: Prim.Move) -> (move: String, input: String?, side: String?, category: String?) {
        switch move {
        case .start: return ("start", nil, nil, nil)
        case let .peel(j, side), let .paste(j, side):
            let verb = if case .peel = move { "peel" } else { "paste" }
            let name = prim.dimensions[j].name
            switch side {
            case .lower: return (verb, name, "lower", nil)
            case .upper: return (verb, name, "upper", nil)
            case .category(let c): return (verb, name, "category", prim.dimensions[j].categories[c])
            }
        }
    }

    /// JSON lines: the discovery ("kind": "discovery"), each step of the
    /// trajectory ("step", with the limits of its restricted inputs), the
    /// chosen box with quasi-p values ("box", absent when no step is dense
    /// enough) and the feature scores ("feature_score").
    public func jsonLines() -> [[String: Any]] {
        var lines: [[String: Any]] = []
        lines.append([
            "kind": "discovery", "condition": condition.text, "outcome": condition.metric,
            "threshold": condition.value, "above": condition.atLeast, "runs": rows.count, "cases": caseCount,
            "failed_runs": failedRuns, "missing_outcomes": missingOutcomes, "inputs": inputs.map(\.name),
            "constant_inputs": constantInputs.map(\.name), "peel_alpha": options.peelAlpha,
            "paste_alpha": options.pasteAlpha, "mass_min": options.massMin, "density_threshold": densityThreshold,
            "chosen_step": chosenStep ?? NSNull(), "steps": prim.trajectory.count,
        ])
        for (i, s) in prim.trajectory.enumerated() {
            let move = moveFields(s.move)
            var limits: [String: Any] = [:]
            for j in s.restricted { limits[prim.dimensions[j].name] = limitObject(j, s.limits[j]) }
            lines.append([
                "kind": "step", "step": i, "move": move.move, "input": move.input ?? NSNull(),
                "side": move.side ?? NSNull(), "category": move.category ?? NSNull(),
                "coverage": s.coverage, "density": s.density, "mass": s.mass, "runs": s.count, "cases": s.cases,
                "restricted": s.restricted.map { prim.dimensions[$0].name }, "limits": limits,
                "chosen": i == chosenStep,
            ])
        }
        if let step = chosenStep {
            let s = prim.trajectory[step]
            let quasiP = prim.quasiP(step: step)
            var limits: [String: Any] = [:]
            for j in s.restricted {
                var object = limitObject(j, s.limits[j])
                switch prim.initialLimits[j] {
                case let .interval(smallest, largest):
                    object["min"] = smallest
                    object["max"] = largest
                    object["quasi_p_low"] = quasiP[j]?.lower ?? NSNull()
                    object["quasi_p_high"] = quasiP[j]?.upper ?? NSNull()
                case .categories(let every):
                    object["all_values"] = every.sorted().map { prim.dimensions[j].categories[$0] }
                    object["quasi_p"] = quasiP[j]?.lower ?? NSNull()
                }
                limits[prim.dimensions[j].name] = object
            }
            lines.append([
                "kind": "box", "step": step, "coverage": s.coverage, "density": s.density, "mass": s.mass,
                "runs": s.count, "cases": s.cases, "limits": limits,
            ])
        }
        for s in scores.ranked {
            let categorical = prim.dimensions[s.dimension].kind == .categorical
            lines.append([
                "kind": "feature_score", "input": s.name, "rank": s.rank, "score": s.score,
                "method": categorical ? "total_variation" : "kolmogorov_smirnov",
                "mean_in_cases": s.meanInCases ?? NSNull(), "mean_in_others": s.meanInOthers ?? NSNull(),
            ])
        }
        return lines
    }

    /// A number with every digit (the shortest text that reads back as the
    /// same double), whole numbers without a decimal point.
    static func exact(_ x: Double) -> String {
        if x.isNaN { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// Writes inputs.csv (each row PRIM saw: run, point, replicate, the
    /// inputs, the outcome and case as 0 or 1), trajectory.csv, box.csv (the
    /// chosen box's restricted inputs; empty when no step was chosen) and
    /// feature_scores.csv into `directory`, all together or none; returns their paths.
    @discardableResult
    public func writeCSV(to directory: String) throws -> [String] {
        let folder = URL(fileURLWithPath: directory)
        let outputs = StagedOutputs()
        var written: [String] = []
        func write(_ name: String, _ header: [String], _ lines: [[String]]) throws {
            let url = folder.appendingPathComponent(name)
            let text = ([header] + lines).map(TidyExport.line).joined()
            try outputs.stage(Data(text.utf8), at: url)
            written.append(url.path)
        }
        let e = ScenarioDiscovery.exact
        func value(_ j: Int, _ row: Int) -> String {
            let d = prim.dimensions[j]
            return d.kind == .categorical ? d.categories[Int(d.values[row])] : e(d.values[row])
        }
        try write(
            "inputs.csv",
            ["run", "point", "replicate"] + inputs.map(\.name) + [condition.metric, "case"],
            rows.indices.map { i in
                let r = rows[i]
                return [String(r.run), String(r.point), String(r.replicate)]
                    + prim.dimensions.indices.map { value($0, i) } + [e(r.outcome), prim.cases[i] ? "1" : "0"]
            })
        try write(
            "trajectory.csv",
            [
                "step", "move", "input", "side", "category", "coverage", "density", "mass", "runs", "cases",
                "restricted",
            ],
            prim.trajectory.enumerated().map { i, s in
                let move = moveFields(s.move)
                return [
                    String(i), move.move, move.input ?? "", move.side ?? "", move.category ?? "", e(s.coverage),
                    e(s.density), e(s.mass), String(s.count), String(s.cases),
                    s.restricted.map { prim.dimensions[$0].name }.joined(separator: ";"),
                ]
            })
        var boxLines: [[String]] = []
        if let step = chosenStep {
            let s = prim.trajectory[step]
            let quasiP = prim.quasiP(step: step)
            for j in s.restricted {
                let d = prim.dimensions[j]
                var line = [String(step), d.name, d.kind.rawValue]
                switch (s.limits[j], prim.initialLimits[j]) {
                case let (.interval(lower, upper), .interval(smallest, largest)):
                    line += [e(lower), e(upper), e(smallest), e(largest), "", ""]
                    line += [quasiP[j]?.lower.map(e) ?? "", quasiP[j]?.upper.map(e) ?? ""]
                case let (.categories(inside), .categories(every)):
                    let names = { (set: Set<Int>) in set.sorted().map { d.categories[$0] }.joined(separator: ";") }
                    line += ["", "", "", "", names(inside), names(every), quasiP[j]?.lower.map(e) ?? "", ""]
                default:
                    break
                }
                boxLines.append(line)
            }
        }
        try write(
            "box.csv",
            [
                "step", "input", "kind", "low", "high", "min", "max", "values", "all_values", "quasi_p_low",
                "quasi_p_high",
            ],
            boxLines)
        try write(
            "feature_scores.csv", ["rank", "input", "method", "score", "mean_in_cases", "mean_in_others"],
            scores.ranked.map { s in
                let categorical = prim.dimensions[s.dimension].kind == .categorical
                return [
                    String(s.rank), s.name, categorical ? "total_variation" : "kolmogorov_smirnov", e(s.score),
                    s.meanInCases.map(e) ?? "", s.meanInOthers.map(e) ?? "",
                ]
            })
        try outputs.commit()
        return written
    }
}
