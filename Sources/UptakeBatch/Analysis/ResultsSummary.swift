import Foundation
import UptakeReport
import UptakeScripting

/// What `uptake results` reports. First the policies ranked against the
/// baseline over the whole uncertainty sample (`PolicyComparison`); then, on
/// request, per design point: each output's mean, standard deviation and 95%
/// confidence interval across replicates; paired differences against the
/// baseline point (same uncertainty sample, same replicate, so with common
/// random numbers the same seed); the cost-effectiveness of each point; and
/// the failed runs.
public struct ResultsSummary: Sendable {
    public struct PointMetric: Sendable {
        public var point: Int
        public var metric: String
        public var statistics: SampleStatistics
    }
    public struct Difference: Sendable {
        public var point: Int
        public var baselinePoint: Int
        public var metric: String
        /// Statistics of (point - baseline) over replicates present in both.
        public var statistics: SampleStatistics
    }
    /// Extra outcome per yuan of extra public spending, against the baseline.
    public struct CostEffectiveness: Sendable {
        public var point: Int
        public var baselinePoint: Int
        public var extraSpend: Double
        public var extraAdopters: Double?
        public var extraProductivity: Double?
        /// Extra adopting firms per million yuan (nil when the policy spends nothing extra).
        public var adoptersPerMillionYuan: Double? {
            guard let a = extraAdopters, extraSpend > 0 else { return nil }
            return a / (extraSpend / 1e6)
        }
        /// Extra productivity-index points per billion yuan.
        public var productivityPerBillionYuan: Double? {
            guard let p = extraProductivity, extraSpend > 0 else { return nil }
            return p / (extraSpend / 1e9)
        }
    }

    public var data: ResultsData
    /// The policies against the baseline, ranked.
    public var comparison: PolicyComparison
    public var perPoint: [PointMetric] = []
    public var differences: [Difference] = []
    public var costEffectiveness: [CostEffectiveness] = []

    /// `outcome`: the output policies are compared on (default: `PolicyComparison.defaultOutcome`);
    /// check a user's choice with `ResultsSummary.outcome(_:in:)` first.
    public init(_ data: ResultsData, outcome: String? = nil) {
        self.data = data
        comparison = PolicyComparison(data, outcome: outcome)
        let byPoint = data.outputsByPoint()
        for point in data.points {
            let reps = byPoint[point.index] ?? [:]
            for metric in data.metrics {
                perPoint.append(
                    PointMetric(
                        point: point.index, metric: metric,
                        statistics: SampleStatistics(reps.keys.sorted().compactMap { reps[$0]![metric] })))
            }
            guard let b = point.baselinePoint, b != point.index else { continue }
            let base = byPoint[b] ?? [:]
            let paired = reps.keys.filter { base[$0] != nil }.sorted()
            func diff(_ metric: String) -> SampleStatistics {
                SampleStatistics(
                    paired.compactMap { r in
                        guard let x = reps[r]![metric], let y = base[r]![metric] else { return nil }
                        return x - y
                    })
            }
            for metric in data.metrics where metric != "ticks_run" {
                differences.append(
                    Difference(point: point.index, baselinePoint: b, metric: metric, statistics: diff(metric)))
            }
            if data.metrics.contains(PolicyComparison.spendMetric) && !paired.isEmpty {
                costEffectiveness.append(
                    CostEffectiveness(
                        point: point.index, baselinePoint: b, extraSpend: diff(PolicyComparison.spendMetric).mean,
                        extraAdopters: data.metrics.contains("adopters") ? diff("adopters").mean : nil,
                        extraProductivity: data.metrics.contains("productivity_index")
                            ? diff("productivity_index").mean : nil))
            }
        }
    }

    /// The outcome to compare policies on: `requested` when the batch recorded it, else the default.
    public static func outcome(_ requested: String?, in data: ResultsData) throws -> String {
        guard let requested else { return PolicyComparison.defaultOutcome(data) }
        guard data.metrics.contains(requested) else {
            throw Diagnostic(
                file: data.metadata["file"],
                problem: "the batch recorded no final value '\(requested)' to compare policies on",
                fix: Suggestion.hint(for: requested, in: data.metrics).capitalizedFirst)
        }
        return requested
    }

    /// The report for a terminal: the ranked policies and the failed runs.
    public var text: String { text(details: false) }

    /// The report for a terminal; `details` adds every design point's
    /// statistics, paired differences and cost-effectiveness.
    public func text(details: Bool) -> String {
        var out = heading
        out += "\n" + policyReport
        if details {
            out += pointReport
            out += failureReport(listing: 50)
        } else {
            out += "\nPer design point (mean, sd, 95% CI of every output; paired differences): add --details.\n"
            out += "Every table, with full precision: --csv DIR or --json.\n"
            out += failureReport(listing: 10)
        }
        return out
    }

    var heading: String {
        let m = data.metadata
        let failures = data.failures
        var out = wrap(
            "Experiment \"\(m["name"] ?? "?")\" (\(m["file"] ?? "?")), scenario \(m["scenario"] ?? "?")", indent: 2)
        let replicates = "\(data.replicates) replicate\(data.replicates == 1 ? "" : "s")"
        out += wrap(
            "Design \(m["design"] ?? "?"): \(data.points.count) points x \(replicates) = \(data.expectedRuns) runs; "
                + "\(data.runs.count - failures.count) done, \(failures.count) failed, \(data.expectedRuns - data.runs.count) not run",
            indent: 2)
        if m["common_random_numbers"] == "true" {
            out += "Common random numbers: replicate r of every point used the same seed.\n"
        }
        return out
    }

    /// Terminal lines stay within this many characters.
    static let lineWidth = 100

    /// The ranked policies: one line each, then what the columns mean.
    var policyReport: String {
        let c = comparison
        let outcome = c.outcome
        let when = endOfRuns
        let baselines = c.policies.filter(\.isBaseline)
        let compared = c.policies.filter { !$0.isBaseline }
        var out = ""
        guard c.hasBaseline else {
            out += wrap(
                "Policies ranked by mean \(outcome) \(when). The experiment has no baseline, so policies are not "
                    + "compared run by run; add baseline = { [\"lever\"] = value } to the experiment for that.")
            var rows = [["rank", "policy", "mean", "95% CI", "runs"]]
            for p in c.policies {
                guard p.level.count > 0 else {
                    rows.append(["", p.label, "no successful runs"])
                    continue
                }
                rows.append([
                    p.rank.map(String.init) ?? "", p.label, Readable.number(p.level.mean),
                    Readable.interval(p.level.ciLow, p.level.ciHigh), String(p.level.count),
                ])
            }
            return out + "\n" + table(rows, labelColumn: 1)
                + "\nmean: \(outcome) over the policy's runs, all uncertainty draws together.\n"
        }
        let baselineText = baselines.map { "\($0.label) (\(outcome) \(Readable.number($0.level.mean)) on average)" }
            .joined(separator: "; ")
        out += wrap(
            "Policies ranked by mean effect on \(outcome) \(when), against the baseline \(baselineText). "
                + "Each policy is paired run by run with the baseline under the same uncertainty draw and seed: \(pairsText(compared))."
        )
        guard !compared.isEmpty else { return out + "No policy besides the baseline.\n" }
        var rows = [["rank", "policy", "effect", "95% CI", "beats", "worst", "extra spend", "per extra adopter"]]
        for p in compared {
            guard p.effect.count > 0 else {
                rows.append(["", p.label, "no paired runs"])
                continue
            }
            let cost: String
            switch p.costPerExtraAdopter {
            case .yuan(let y): cost = Readable.yuan(y, unit: false)
            case .noExtraSpending: cost = "free"
            case .noExtraAdopters: cost = "no gain"
            case .unknown: cost = Readable.missing
            }
            rows.append([
                p.rank.map(String.init) ?? "", p.label, Readable.signed(p.effect.mean),
                Readable.interval(p.effect.ciLow, p.effect.ciHigh), p.shareBeatingBaseline.map(Readable.percent) ?? "",
                p.worstCase.map(Readable.signed) ?? "",
                p.extraSpending.map { Readable.yuan($0, unit: false) } ?? Readable.missing, cost,
            ])
        }
        out += "\n" + table(rows, labelColumn: 1) + "\n"
        out += "effect: mean of (policy - baseline) over the pairs; 95% CI: of that mean (Student's t).\n"
        let more = outcome == PolicyComparison.adoptersMetric ? "more adopters" : "a higher \(outcome)"
        out += "beats: share of pairs with \(more) than the baseline; worst: the smallest difference.\n"
        out +=
            "extra spend: mean extra public spending (\(PolicyComparison.spendMetric)), yuan (m = million, bn = billion).\n"
        out += "per extra adopter: extra spend / extra adopters, yuan"
        let costs = compared.map(\.costPerExtraAdopter)
        if costs.contains(.noExtraSpending) { out += "; free: more adopters at no extra spending" }
        if costs.contains(.noExtraAdopters) { out += "; no gain: no extra adopters" }
        return out + ".\n"
    }

    /// "24 pairs per policy (6 draws x 4 replicates)", or the range when failed runs left some out.
    func pairsText(_ policies: [PolicyComparison.Policy]) -> String {
        let counts = policies.map(\.effect.count)
        guard let low = counts.min(), let high = counts.max() else { return "no pairs" }
        let draws = policies.first.map { $0.points.count } ?? 0
        // Overflow-checked: the replicate count is text from the database, which may be damaged.
        let (full, overflow) = draws.multipliedReportingOverflow(by: data.replicates)
        if low == high && !overflow && full == high {
            return
                "\(high) pairs per policy (\(draws) draw\(draws == 1 ? "" : "s") x \(data.replicates) replicate\(data.replicates == 1 ? "" : "s"))"
        }
        return low == high
            ? "\(high) pairs per policy" : "\(low) to \(high) pairs per policy (failed runs have no pair)"
    }

    /// "at the end of the run (2032Q4)", from the runs' ticks and the calendar.
    var endOfRuns: String {
        let ticks = Set(
            data.runs.filter { $0.status == "ok" }.compactMap { $0.outputs["ticks_run"] }.filter(\.isFinite).map {
                Int(max(1, min($0, 1e6)))
            })
        func date(_ ticks: Int) -> String { data.date(tick: ticks - 1) ?? "tick \(ticks - 1)" }
        guard let low = ticks.min(), let high = ticks.max() else { return "at the end of the run" }
        if low == high { return "at the end of the run (\(date(high)))" }
        return "at the end of each run (runs ended between \(date(low)) and \(date(high)))"
    }

    /// Aligned rows; a label too long for the line goes on a line of its own above its numbers.
    func table(_ rows: [[String]], labelColumn: Int) -> String {
        let others = (0..<(rows.map(\.count).max() ?? 0)).filter { $0 != labelColumn }
        let otherWidth =
            others.map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }.reduce(0, +) + 2 * others.count
        let limit = max(12, ResultsSummary.lineWidth - otherWidth)
        var shortened = rows
        var above: [Int: String] = [:]
        for i in rows.indices where rows[i].count > labelColumn && rows[i][labelColumn].count > limit {
            above[i] = rows[i][labelColumn]
            shortened[i][labelColumn] = ""
        }
        let lines = TextTable.lines(shortened, left: [labelColumn])
        var out = ""
        for (i, line) in lines.enumerated() {
            if let label = above[i] {
                let indent =
                    (0..<labelColumn).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }.reduce(0, +)
                    + 2 * labelColumn
                out += wrap(String(repeating: " ", count: indent) + label, indent: indent + 2)
            }
            out += line + "\n"
        }
        return out
    }

    /// Words wrapped at the line width; the first line keeps its leading
    /// spaces, the others are indented by `indent` spaces.
    func wrap(_ text: String, indent: Int = 0) -> String {
        var out = ""
        var line = String(text.prefix { $0 == " " })
        var lineHasWords = false
        for word in text.split(separator: " ") {
            if lineHasWords && line.count + 1 + word.count > ResultsSummary.lineWidth {
                out += line + "\n"
                line = String(repeating: " ", count: indent)
                lineHasWords = false
            }
            line += (lineHasWords ? " " : "") + word
            lineHasWords = true
        }
        return lineHasWords ? out + line + "\n" : out
    }

    /// Every design point: statistics, then paired differences and cost-effectiveness.
    var pointReport: String {
        let m = data.metadata
        var out = ""
        let stats = Dictionary(grouping: perPoint, by: \.point)
        let width = max(12, data.metrics.map(\.count).max() ?? 0)
        for point in data.points {
            out +=
                "\nPoint \(point.index): \(data.label(point))\(point.baselinePoint == point.index ? "  (baseline)" : "")\n"
            for s in stats[point.index] ?? [] {
                out +=
                    "  " + s.metric.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + ResultsSummary.describe(s.statistics, yuan: ResultsSummary.isYuan(s.metric)) + "\n"
            }
        }
        if !differences.isEmpty {
            out += "\nAgainst the baseline (\(m["baseline"] ?? "")), paired by replicate:\n"
            let byPoint = Dictionary(grouping: differences, by: \.point)
            let ce = Dictionary(costEffectiveness.map { ($0.point, $0) }, uniquingKeysWith: { a, _ in a })
            for point in data.points {
                guard let diffs = byPoint[point.index] else { continue }
                out += "Point \(point.index) (\(data.label(point))) minus point \(diffs[0].baselinePoint):\n"
                for d in diffs {
                    out +=
                        "  " + d.metric.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + ResultsSummary.describe(d.statistics, signed: true, yuan: ResultsSummary.isYuan(d.metric))
                        + "\n"
                }
                if let c = ce[point.index] {
                    if let a = c.adoptersPerMillionYuan, let p = c.productivityPerBillionYuan {
                        out += wrap(
                            "  cost-effectiveness (extra spend \(Readable.yuan(c.extraSpend))): \(Readable.number(a)) extra adopters "
                                + "per million yuan, \(Readable.number(p)) productivity-index points per billion yuan",
                            indent: 4)
                    } else {
                        out += "  cost-effectiveness: no extra public spending against the baseline\n"
                    }
                }
            }
        }
        return out
    }

    /// The failed runs, the first `listing` of them with their errors.
    func failureReport(listing: Int) -> String {
        let failures = data.failures
        guard !failures.isEmpty else { return "" }
        var out = "\nFailed runs (\(failures.count)):\n"
        for f in failures.prefix(listing) {
            out += wrap(
                "  run \(f.run) (point \(f.point), replicate \(f.replicate), seed \(f.seed)): \(f.error ?? "")",
                indent: 4)
        }
        if failures.count > listing {
            out +=
                "  ... and \(failures.count - listing) more (\(listing < 50 ? "50 with --details, " : "")all in failures.csv with --csv DIR)\n"
        }
        return out
    }

    /// "mean 2,675  sd 40.8  95% CI [2,610, 2,740]  n=4"; amounts of money in yuan units ("13.9 m").
    static func describe(_ s: SampleStatistics, signed: Bool = false, yuan: Bool = false) -> String {
        guard s.count > 0 else { return "no successful runs" }
        func number(_ x: Double) -> String { yuan ? Readable.yuan(x, unit: false) : Readable.number(x) }
        let mean = (signed && s.mean > 0 ? "+" : "") + number(s.mean)
        let unit = yuan ? " yuan" : ""
        return
            "mean \(mean)\(unit)  sd \(number(s.standardDeviation))\(unit)  95% CI [\(number(s.ciLow)), \(number(s.ciHigh))]\(unit)  n=\(s.count)"
    }

    /// Outputs that are amounts of yuan: the series' spending columns and the special fund.
    static func isYuan(_ metric: String) -> Bool {
        metric.hasPrefix("spend_") || metric == "special_fund_left"
    }
}
