import UptakeReport
import UptakeScripting

/// Which policy holds up whatever the uncertainties turn out to be: for each
/// policy (as `PolicyComparison` defines it; the baseline is one of them),
/// its *regret* in each scenario of the uncertainty sample (how much worse
/// it did than the best policy in that scenario; Savage's minimax regret)
/// and its *satisficing* share (the share of scenarios in which it meets
/// every target, e.g. adoption >= 0.2 and spend_cumulative <= 1e9).
///
/// A scenario is one uncertainty draw and replicate: the values of the
/// experiment's uncertainties, the design's sample and the replicate. Only
/// scenarios in which every policy has a successful run count, so every
/// policy is judged on the same ones. Policies are ranked by their largest
/// regret, then by their mean regret.
///
///     let robust = RobustRanking(data, outcome: "adopters", targets: [try .parse("adoption>=0.2")])
///     robust.policies.first?.label  // the policy whose worst regret is smallest
public struct RobustRanking: Sendable {
    /// A condition on a recorded final value: `adoption>=0.2`, `spend_cumulative<=1e9`.
    public struct Target: Sendable, Equatable {
        public var metric: String
        public var atLeast: Bool
        public var value: Double
        public var text: String { "\(metric)\(atLeast ? ">=" : "<=")\(Readable.number(value))" }

        public init(metric: String, atLeast: Bool, value: Double) {
            self.metric = metric
            self.atLeast = atLeast
            self.value = value
        }

        /// Reads `NAME>=NUMBER` or `NAME<=NUMBER`; nil for anything else.
        public static func parse(_ text: String) -> Target? {
            for (op, atLeast) in [(">=", true), ("<=", false)] {
                let parts = text.components(separatedBy: op)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), value.isFinite
                else { return nil }
                return Target(metric: name, atLeast: atLeast, value: value)
            }
            return nil
        }

        func isMet(_ x: Double) -> Bool { atLeast ? x >= value : x <= value }
    }

    public struct Policy: Sendable {
        public var label: String
        public var isBaseline: Bool
        /// The outcome's mean over the scenarios.
        public var meanOutcome: Double
        public var meanRegret: Double
        /// The 90th percentile of its regrets (nearest rank).
        public var regret90: Double
        public var maxRegret: Double
        /// Scenarios in which it is the best policy (ties count for each).
        public var bestIn: Int
        /// Share of scenarios meeting every target; nil without targets.
        public var satisficing: Double?
        public var rank: Int
    }

    public var outcome: String
    public var minimize: Bool
    public var targets: [Target]
    /// Scenarios every policy ran in successfully.
    public var scenarioCount: Int
    /// Scenarios left out because some policy has no successful run in them.
    public var incompleteScenarios: Int
    /// Ranked: smallest largest regret first.
    public var policies: [Policy]

    public init(_ data: ResultsData, outcome: String, minimize: Bool = false, targets: [Target] = []) {
        self.outcome = outcome
        self.minimize = minimize
        self.targets = targets
        let comparison = PolicyComparison(data, outcome: outcome)
        let candidates = comparison.policies
        let uncertainties = data.parameters.indices.filter { data.parameters[$0].role != "lever" }
        let pointByIndex = Dictionary(data.points.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        let byPoint = data.outputsByPoint()

        /// Each policy's outputs by scenario (uncertainty values, sample, replicate).
        var outputs: [[[String]: [String: Double]]] = []
        for policy in candidates {
            var mine: [[String]: [String: Double]] = [:]
            for p in policy.points {
                guard let point = pointByIndex[p] else { continue }
                let draw =
                    uncertainties.map { $0 < point.values.count ? point.values[$0] : "" } + [String(point.sample)]
                for (replicate, values) in byPoint[p] ?? [:] { mine[draw + [String(replicate)]] = values }
            }
            outputs.append(mine)
        }
        let all = Set(outputs.flatMap(\.keys))
        let complete = all.filter { key in
            outputs.allSatisfy {
                guard let v = $0[key]?[outcome] else { return false }
                return !v.isNaN
            }
        }.sorted { $0.lexicographicallyPrecedes($1) }
        scenarioCount = candidates.isEmpty ? 0 : complete.count
        incompleteScenarios = all.count - complete.count

        var regrets = [[Double]](repeating: [], count: candidates.count)
        var best = [Int](repeating: 0, count: candidates.count)
        var met = [Int](repeating: 0, count: candidates.count)
        for key in complete {
            let ys = outputs.map { $0[key]![outcome]! }
            let top = minimize ? ys.min()! : ys.max()!
            for i in ys.indices {
                regrets[i].append(minimize ? ys[i] - top : top - ys[i])
                if ys[i] == top { best[i] += 1 }
                let values = outputs[i][key]!
                if targets.allSatisfy({ t in values[t.metric].map { !$0.isNaN && t.isMet($0) } ?? false }) {
                    met[i] += 1
                }
            }
        }
        var result: [Policy] = []
        for (i, policy) in candidates.enumerated() where !complete.isEmpty {
            let r = regrets[i].sorted()
            let n = Double(r.count)
            result.append(
                Policy(
                    label: policy.label, isBaseline: policy.isBaseline,
                    meanOutcome: complete.map { outputs[i][$0]![outcome]! }.reduce(0, +) / n,
                    meanRegret: r.reduce(0, +) / n, regret90: r[max(0, Int((0.9 * n).rounded(.up)) - 1)],
                    maxRegret: r.last!, bestIn: best[i],
                    satisficing: targets.isEmpty ? nil : Double(met[i]) / n, rank: 0))
        }
        // Stable: equal regrets keep the experiment's order.
        policies = result.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            if x.maxRegret != y.maxRegret { return x.maxRegret < y.maxRegret }
            if x.meanRegret != y.meanRegret { return x.meanRegret < y.meanRegret }
            return a.offset < b.offset
        }.enumerated().map { rank, entry in
            var p = entry.element
            p.rank = rank + 1
            return p
        }
    }

    /// Reads the `--target` texts, checking each names a recorded final value.
    public static func targets(_ texts: [String], in data: ResultsData) throws -> [Target] {
        try texts.map { text in
            guard let target = Target.parse(text) else {
                throw Diagnostic(
                    file: "--target \(text)", problem: "a target is NAME>=NUMBER or NAME<=NUMBER",
                    fix: "Write e.g. --target 'adoption>=0.2' (quoted, so the shell leaves > alone)")
            }
            guard data.metrics.contains(target.metric) else {
                throw Diagnostic(
                    file: "--target \(text)", problem: "the batch recorded no final value '\(target.metric)'",
                    fix: Suggestion.hint(for: target.metric, in: data.metrics).capitalizedFirst)
            }
            return target
        }
    }

    /// One JSON object per policy, for `--json`.
    public func jsonLines() -> [[String: Any]] {
        policies.map { p in
            var object: [String: Any] = [
                "kind": "robust", "outcome": outcome, "minimize": minimize, "rank": p.rank, "policy": p.label,
                "baseline": p.isBaseline, "scenarios": scenarioCount, "mean_outcome": p.meanOutcome,
                "mean_regret": p.meanRegret, "regret_90": p.regret90, "max_regret": p.maxRegret, "best_in": p.bestIn,
            ]
            if let s = p.satisficing {
                object["satisficing"] = s
                object["targets"] = targets.map(\.text)
            }
            return object
        }
    }

    /// The report `uptake results --robust` prints.
    public func text() -> String {
        let direction = minimize ? "lower is better" : "higher is better"
        var out =
            "Robust ranking on \(outcome) (\(direction)) over \(scenarioCount) scenarios "
            + "(uncertainty draw x replicate) in which all \(policies.count) policies ran\n"
        if incompleteScenarios > 0 {
            out += "(\(incompleteScenarios) scenarios left out: some policy has no successful run there)\n"
        }
        guard !policies.isEmpty else { return out + "No scenario in which every policy ran: nothing to rank.\n" }
        var header = ["rank", "policy", "mean \(outcome)", "regret: mean", "90%", "max", "best in"]
        if !targets.isEmpty { header.append("meets " + targets.map(\.text).joined(separator: " and ")) }
        var rows = [header]
        for p in policies {
            var row = [
                String(p.rank), p.label + (p.isBaseline ? " (baseline)" : ""), Readable.number(p.meanOutcome),
                Readable.number(p.meanRegret), Readable.number(p.regret90), Readable.number(p.maxRegret),
                "\(p.bestIn) of \(scenarioCount)",
            ]
            if let s = p.satisficing { row.append(Readable.percent(s)) }
            rows.append(row)
        }
        out += "\n" + TextTable.lines(rows, left: [1]).map { "  " + $0 }.joined(separator: "\n") + "\n"
        out +=
            "\nRegret: how far a policy falls short of the best policy of the same scenario; the most robust "
            + "policy is the one whose largest regret is smallest (minimax regret).\n"
        return out
    }
}
