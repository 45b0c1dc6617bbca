import Foundation

/// What `uptake results` reports: per design point, each output's mean,
/// standard deviation and 95% confidence interval across replicates; paired
/// differences against the baseline point (same uncertainty sample, same
/// replicate, so with common random numbers the same seed); the
/// cost-effectiveness of each policy; and the failed runs.
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
    public var perPoint: [PointMetric] = []
    public var differences: [Difference] = []
    public var costEffectiveness: [CostEffectiveness] = []

    public static let spendMetric = "spend_cumulative"

    public init(_ data: ResultsData) {
        self.data = data
        let byPoint = data.outputsByPoint()
        for point in data.points {
            let reps = byPoint[point.index] ?? [:]
            for metric in data.metrics {
                perPoint.append(PointMetric(point: point.index, metric: metric,
                                            statistics: SampleStatistics(reps.keys.sorted().compactMap { reps[$0]![metric] })))
            }
            guard let b = point.baselinePoint, b != point.index else { continue }
            let base = byPoint[b] ?? [:]
            let paired = reps.keys.filter { base[$0] != nil }.sorted()
            func diff(_ metric: String) -> SampleStatistics {
                SampleStatistics(paired.compactMap { r in
                    guard let x = reps[r]![metric], let y = base[r]![metric] else { return nil }
                    return x - y
                })
            }
            for metric in data.metrics where metric != "ticks_run" {
                differences.append(Difference(point: point.index, baselinePoint: b, metric: metric, statistics: diff(metric)))
            }
            if data.metrics.contains(ResultsSummary.spendMetric) && !paired.isEmpty {
                costEffectiveness.append(CostEffectiveness(
                    point: point.index, baselinePoint: b, extraSpend: diff(ResultsSummary.spendMetric).mean,
                    extraAdopters: data.metrics.contains("adopters") ? diff("adopters").mean : nil,
                    extraProductivity: data.metrics.contains("productivity_index") ? diff("productivity_index").mean : nil))
            }
        }
    }

    /// The report for a terminal.
    public var text: String {
        let m = data.metadata
        let failures = data.failures
        var out = "Experiment \"\(m["name"] ?? "?")\" (\(m["file"] ?? "?")), scenario \(m["scenario"] ?? "?")\n"
        out += "Design \(m["design"] ?? "?"): \(data.points.count) points x \(data.replicates) replicates = \(data.expectedRuns) runs; "
        out += "\(data.runs.count - failures.count) done, \(failures.count) failed, \(data.expectedRuns - data.runs.count) not run\n"
        if m["common_random_numbers"] == "true" { out += "Common random numbers: replicate r of every point used the same seed.\n" }
        let stats = Dictionary(grouping: perPoint, by: \.point)
        let width = max(12, data.metrics.map(\.count).max() ?? 0)
        for point in data.points {
            out += "\nPoint \(point.index): \(data.label(point))\(point.baselinePoint == point.index ? "  (baseline)" : "")\n"
            for s in stats[point.index] ?? [] {
                out += "  " + s.metric.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + ResultsSummary.describe(s.statistics) + "\n"
            }
        }
        if !differences.isEmpty {
            out += "\nAgainst the baseline (\(m["baseline"] ?? "")), paired by replicate:\n"
            let byPoint = Dictionary(grouping: differences, by: \.point)
            let ce = Dictionary(uniqueKeysWithValues: costEffectiveness.map { ($0.point, $0) })
            for point in data.points {
                guard let diffs = byPoint[point.index] else { continue }
                out += "Point \(point.index) (\(data.label(point))) minus point \(diffs[0].baselinePoint):\n"
                for d in diffs {
                    out += "  " + d.metric.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + ResultsSummary.describe(d.statistics, signed: true) + "\n"
                }
                if let c = ce[point.index] {
                    if let a = c.adoptersPerMillionYuan, let p = c.productivityPerBillionYuan {
                        out += "  cost-effectiveness: \(ResultsSummary.number(a)) extra adopters per million yuan, "
                        out += "\(ResultsSummary.number(p)) productivity-index points per billion yuan (extra spend \(ResultsSummary.number(c.extraSpend)) yuan)\n"
                    } else {
                        out += "  cost-effectiveness: no extra public spending against the baseline\n"
                    }
                }
            }
        }
        if !failures.isEmpty {
            out += "\nFailed runs (\(failures.count)):\n"
            for f in failures.prefix(50) {
                out += "  run \(f.run) (point \(f.point), replicate \(f.replicate), seed \(f.seed)): \(f.error ?? "")\n"
            }
            if failures.count > 50 { out += "  ... and \(failures.count - 50) more (all in failures.csv with --csv DIR)\n" }
        }
        return out
    }

    static func describe(_ s: SampleStatistics, signed: Bool = false) -> String {
        guard s.count > 0 else { return "no successful runs" }
        let mean = (signed && s.mean > 0 ? "+" : "") + number(s.mean)
        return "mean \(mean)  sd \(number(s.standardDeviation))  95% CI [\(number(s.ciLow)), \(number(s.ciHigh))]  n=\(s.count)"
    }

    public static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x == x.rounded() && abs(x) < 1e12 { return String(Int64(x)) }
        return String(format: "%.6g", x)
    }
}
