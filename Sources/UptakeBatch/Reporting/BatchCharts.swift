import GRDB
import UptakeKernel
import UptakeReport

/// The charts of a batch, drawn from the analyses `uptake results` and
/// `uptake sensitivity` print (never computed another way):
///
/// - the outcome per policy: every run, the mean and its 95% CI (`PolicyComparison.level`);
/// - each policy minus the baseline, pair by pair, with the mean effect and
///   its 95% CI (`PolicyComparison.effect`);
/// - public money per extra adopting firm (`PolicyComparison.costPerExtraAdopter`);
/// - recorded series over time, mean per policy with a 95% CI band;
/// - Sobol S1 and ST, or Morris mu* and sigma, per parameter (`SensitivityAnalysis`).
public enum BatchCharts {
    /// The outcome per policy, and the paired differences against the baseline when there is one.
    public static func policies(_ summary: ResultsSummary) -> [Chart] {
        let c = summary.comparison
        let outcome = c.outcome
        let unit = MetricUnit(outcome)
        let when = summary.endOfRuns
        var charts: [Chart] = []
        // Baselines first, then the ranked policies: the rows read down from the status quo.
        let ordered = c.policies.filter(\.isBaseline) + c.policies.filter { !$0.isBaseline }
        let levels = ordered.filter { $0.level.count > 0 }.map { p in
            IntervalChart.Row(
                label: p.label + (p.isBaseline ? " (baseline)" : ""), values: p.outcomes, mean: p.level.mean,
                low: p.level.ciLow, high: p.level.ciHigh)
        }
        if !levels.isEmpty {
            charts.append(
                IntervalChart(
                    id: "outcome-by-policy", title: "\(outcome) \(when), per policy",
                    summary: "Each dot is one run's \(outcome) \(when); the diamond is the policy's mean over its "
                        + "runs (all uncertainty draws and replicates) and the band the 95% confidence interval of "
                        + "that mean. Wide spreads of dots with narrow bands mean the uncertainties matter more than "
                        + "the replicates.",
                    rows: levels, valueTitle: unit.title(outcome), format: unit.format
                ).chart())
        }
        let compared = c.policies.filter { !$0.isBaseline && $0.effect.count > 0 }
        if c.hasBaseline && !compared.isEmpty {
            let rows = compared.map { p in
                IntervalChart.Row(
                    label: p.label, values: p.differences, mean: p.effect.mean, low: p.effect.ciLow,
                    high: p.effect.ciHigh)
            }
            let baseline = c.policies.first(where: \.isBaseline)?.label ?? "the baseline"
            charts.append(
                IntervalChart(
                    id: "effect-by-policy", title: "Effect on \(outcome) against \(baseline), paired run by run",
                    summary: "Each dot is one pair of runs, the policy's minus the baseline's under the same "
                        + "uncertainty draw and replicate (and seed, with common random numbers); the diamond is the "
                        + "mean effect and the band its 95% confidence interval (Student's t), as uptake results "
                        + "ranks them. A band clear of the dashed zero line is an effect the runs can tell from noise.",
                    rows: rows, valueTitle: unit.differenceTitle(outcome), format: unit.format,
                    reference: .init(value: 0, label: "no difference"), observationName: "pair of runs"
                ).chart())
        }
        let costs = compared.compactMap { p in p.costPerExtraAdopter.yuan.map { (p.label, $0) } }
        if !costs.isEmpty {
            let others = compared.filter { $0.costPerExtraAdopter.yuan == nil }
                .map { "\($0.label): \($0.costPerExtraAdopter.note)" }
            var text =
                "Mean extra public spending (spend_cumulative) divided by mean extra adopting firms against "
                + "the baseline, per policy: the shorter the bar, the cheaper each extra adopter."
            if !others.isEmpty { text += " Without a cost: " + others.joined(separator: "; ") + "." }
            charts.append(
                BarChart(
                    id: "cost-per-adopter", title: "Public money per extra adopting firm", summary: text,
                    categories: costs.map(\.0), valueTitle: "yuan per extra adopter (m = million, bn = billion)",
                    format: .yuan, series: [.init("cost per extra adopter", costs.map(\.1))]
                ).chart())
        }
        return charts
    }

    /// Every recorded series over time: the mean over each policy's successful runs, with its 95% CI band.
    public static func series(_ summary: ResultsSummary, store: ResultStore) throws -> [Chart] {
        let data = summary.data
        let ok = Dictionary(
            data.runs.filter { $0.status == "ok" }.map { ($0.run, $0.point) }, uniquingKeysWith: { a, _ in a })
        let policies = summary.comparison.policies
        var policyOfPoint: [Int: Int] = [:]
        for (k, p) in policies.enumerated() { for point in p.points { policyOfPoint[point] = k } }
        // values[metric][tick][policy] = the runs' values.
        var values: [String: [Int: [Int: [Double]]]] = [:]
        try store.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT run, tick, metric, value FROM series ORDER BY run, tick")
            while let row = try rows.next() {
                let run: Int = try row.decode(forColumn: "run")
                guard let point = ok[run], let policy = policyOfPoint[point] else { continue }
                let tick: Int = try row.decode(forColumn: "tick")
                let metric: String = try row.decode(forColumn: "metric")
                guard let value: Double = try row.decode(forColumn: "value"), ResultsData.datedTicks.contains(tick)
                else { continue }
                values[metric, default: [:]][tick, default: [:]][policy, default: []].append(value)
            }
        }
        let recorded = (data.metadata["record_series"] ?? "").split(separator: ",").map(String.init)
        var charts: [Chart] = []
        for metric in recorded {
            guard let byTick = values[metric], !byTick.isEmpty else { continue }
            let ticks = byTick.keys.sorted()
            let dates = ticks.map { data.date(tick: $0) ?? "tick \($0)" }
            let unit = MetricUnit(metric)
            let lines = policies.indices.compactMap { k -> LineChart.Series? in
                let stats = ticks.map { SampleStatistics(byTick[$0]?[k] ?? []) }
                guard stats.contains(where: { $0.count > 0 }) else { return nil }
                let label = policies[k].label + (policies[k].isBaseline ? " (baseline)" : "")
                return LineChart.Series(
                    label, stats.map(\.mean), low: stats.map(\.ciLow), high: stats.map(\.ciHigh))
            }
            guard !lines.isEmpty else { continue }
            charts.append(
                LineChart(
                    id: "series-\(metric)", title: "\(metric) over time, per policy",
                    summary: "The mean of \(metric) over each policy's runs at each recorded date, with the 95% "
                        + "confidence interval of that mean as a band (the runs recorded it every "
                        + "\(data.metadata["record_every"] ?? "?") ticks and at the last).",
                    dates: dates, valueTitle: unit.title(metric), format: unit.format, series: lines,
                    includeZero: unit.format != .number
                ).chart())
        }
        return charts
    }

    /// Sobol S1 and ST, or Morris mu* and sigma, per parameter, for each output
    /// and policy that varies; constant outputs have no chart.
    public static func sensitivity(_ analysis: SensitivityAnalysis) -> [Chart] {
        analysis.outputs.filter { $0.constant == nil && !$0.rows.isEmpty }.map { output in
            let parameters = output.rows.map(\.parameter)
            let heading = output.metric + (output.cellLabel.isEmpty ? "" : " (\(output.cellLabel))")
            var summary: String
            var series: [BarChart.Series]
            let valueTitle: String
            var title: String
            if analysis.method == "sobol" {
                let s = output.rows.compactMap(\.sobol)
                series = [
                    .init(
                        "S1 (alone)", s.map(\.s1), low: s.map { $0.s1 - $0.s1Confidence },
                        high: s.map { $0.s1 + $0.s1Confidence }),
                    .init(
                        "ST (with interactions)", s.map(\.st), low: s.map { $0.st - $0.stConfidence },
                        high: s.map { $0.st + $0.stConfidence }),
                ]
                title = "Sobol indices of \(heading)"
                valueTitle = "share of the variance of \(output.metric) (0 to 1)"
                summary =
                    "S1 is the share of the variance of \(output.metric) due to a parameter alone, ST the "
                    + "share it has a part in, with its interactions; the parameters are ranked by ST and the error "
                    + "bars are 95% bootstrap intervals. ST near 0: the parameter can be fixed at any value."
            } else {
                let e = output.rows.compactMap(\.morris)
                series = [
                    .init(
                        "mu* (mean absolute effect)", e.map(\.muStar), low: e.map { $0.muStar - $0.muStarConfidence },
                        high: e.map { $0.muStar + $0.muStarConfidence }),
                    .init("sigma (spread of the effects)", e.map(\.sigma)),
                ]
                title = "Morris elementary effects on \(heading)"
                valueTitle = "effect on \(output.metric) per whole range of the parameter"
                summary =
                    "mu* is how much moving a parameter across its range changes \(output.metric) on "
                    + "average (its absolute effect), with a 95% bootstrap interval; a large sigma means the effect "
                    + "depends on the other parameters (interactions or non-linearity). Ranked by mu*."
            }
            if let warning = analysis.warning(output) { summary += " Warning: \(warning)." }
            return BarChart(
                id: "sensitivity-\(output.metric)-\(output.cell)", title: title, summary: summary,
                categories: parameters, valueTitle: valueTitle, series: series,
                intervalName: "95% bootstrap interval"
            ).chart()
        }
    }

    /// The unit and number format of a recorded output, for axis titles.
    struct MetricUnit {
        let unit: String?
        let format: ValueFormat

        init(_ metric: String) {
            if let q = OutputSchema.quantities.first(where: { $0.name == metric }) {
                unit = q.unit
            } else if metric.hasPrefix("stage_") {
                unit = "firms"
            } else if metric.hasPrefix("adoption_") {
                unit = "share 0..1"
            } else if metric.hasPrefix(OutputSchema.accountPrefix) {
                unit = "yuan"
            } else if metric == "ticks_run" {
                unit = "ticks"
            } else {
                unit = nil
            }
            format = unit == "share 0..1" ? .percent : unit == "yuan" ? .yuan : .number
        }

        /// "adoption (% of firms)", "spend_cumulative (yuan; m = million, bn = billion)".
        func title(_ metric: String) -> String {
            switch format {
            case .percent: return "\(metric) (%)"
            case .yuan: return "\(metric) (yuan; m = million, bn = billion)"
            case .number: return unit.map { "\(metric) (\($0))" } ?? "\(metric) (as recorded)"
            }
        }

        /// The title of a difference of the metric: percentage points for shares.
        func differenceTitle(_ metric: String) -> String {
            switch format {
            case .percent: return "difference in \(metric) (percentage points)"
            case .yuan: return "difference in \(metric) (yuan; m = million, bn = billion)"
            case .number: return "difference in \(metric)" + (unit.map { " (\($0))" } ?? "")
            }
        }
    }
}
