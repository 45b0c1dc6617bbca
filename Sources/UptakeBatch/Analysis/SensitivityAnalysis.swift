import Foundation
import UptakeReport
import UptakeScripting

/// `uptake sensitivity`: which sampled parameters drive each output. For a
/// `sobol` design, first-order and total Sobol indices; for a `morris`
/// design, mu, mu* and sigma. Computed separately in each cell (each
/// combination of listed values, e.g. each policy), on the mean of each
/// point's successful replicates.
///
/// Three rules make the report read the same for every output:
/// - an output that takes one value at every point of a cell (`ticks_run`
///   without a stop rule, a count no parameter moves) has no variance to
///   apportion: it gets no indices (SALib, dividing 0 by 0, reports 0 or NaN), only its value;
/// - parameters are ranked by ST (Sobol) or mu* (Morris), largest first;
/// - a sample too small for stable indices is flagged with the sample size
///   to aim for (see `Output.suggestedSize`).
public struct SensitivityAnalysis: Sendable {
    public struct Row: Sendable {
        public var cell: Int
        /// The listed values that define the cell ("tax-relief.rate=0.3"), empty when there is one cell.
        public var cellLabel: String
        public var metric: String
        public var parameter: String
        public var sobol: (s1: Double, s1Confidence: Double, st: Double, stConfidence: Double)?
        public var morris: (mu: Double, muStar: Double, muStarConfidence: Double, sigma: Double)?
    }

    /// One output in one cell: its parameters ranked, or the one value it takes.
    public struct Output: Sendable {
        public var cell: Int
        public var cellLabel: String
        public var metric: String
        /// The value the output takes at every point of the cell; nil when it varies.
        public var constant: Double?
        /// Ranked by ST (Sobol) or mu* (Morris), largest first; empty when `constant` is set.
        public var rows: [Row]
        /// Saltelli blocks (Sobol) or trajectories (Morris) the indices come from.
        public var size: Int
        /// Set when the indices are unstable: the `samples` (Sobol) or
        /// `trajectories` (Morris) to aim for, a power of ten.
        public var suggestedSize: Int?
        /// What made the indices unstable ("S1 of x3 = -0.21 +/- 0.12"), when `suggestedSize` is set.
        public var instability: String?

        init(cell: Int, cellLabel: String, metric: String, constant: Double? = nil, rows: [Row] = [], size: Int) {
            self.cell = cell
            self.cellLabel = cellLabel
            self.metric = metric
            self.constant = constant
            self.rows = rows
            self.size = size
        }
    }

    public var method: String
    /// The sampled parameters, in the order the experiment lists them.
    public var parameters: [String] = []
    public var outputs: [Output] = []
    /// Blocks (Sobol) or trajectories (Morris) left out because a run failed.
    public var droppedGroups = 0

    /// Every parameter row of every output that varies, in report order.
    public var rows: [Row] { outputs.flatMap(\.rows) }

    /// The design key the suggested size goes into.
    var sizeKey: String { method == "sobol" ? "samples" : "trajectories" }

    public init(_ data: ResultsData, metrics only: [String]? = nil, resamples: Int = 1000) throws {
        let m = data.metadata
        method = m["design"] ?? "?"
        guard method == "sobol" || method == "morris" else {
            throw Diagnostic(
                file: m["file"],
                problem: "sensitivity indices need a sobol or morris design, but this batch used '\(method)'",
                fix:
                    "Set design = { kind = \"sobol\", samples = 256 } (or kind = \"morris\", trajectories = 20) in the experiment and run it again"
            )
        }
        let sampled = data.parameters.filter(\.sampled)
        let listed = data.parameters.enumerated().filter { !$0.element.sampled }.map(\.offset)
        let d = sampled.count
        parameters = sampled.map(\.path)
        let metrics = only ?? data.metrics
        if let unknown = metrics.first(where: { !data.metrics.contains($0) }) {
            throw Diagnostic(
                file: m["file"], problem: "the batch recorded no output '\(unknown)'",
                fix: Suggestion.hint(for: unknown, in: data.metrics).capitalizedFirst)
        }
        let seed = UInt64(m["seed"] ?? "1") ?? 1
        let byPoint = data.outputsByPoint()
        let group = method == "sobol" ? d + 2 : d + 1
        for (cell, points) in Dictionary(grouping: data.points, by: \.cell).sorted(by: { $0.key < $1.key }) {
            let points = points.sorted { $0.sample < $1.sample }
            let label = listed.map {
                "\(data.parameters[$0].path)=\(ResultsData.short(points[0].values[$0], sampled: false))"
            }.joined(separator: ", ")
            for metric in metrics {
                // Mean over replicates; a group with a missing point is left out whole.
                var units: [[Double]] = [], values: [Double] = []
                var dropped = 0
                for start in stride(from: 0, to: points.count - group + 1, by: group) {
                    let chunk = points[start..<start + group]
                    let means = chunk.map { p -> Double in
                        let reps = (byPoint[p.index] ?? [:]).values.compactMap { $0[metric] }.filter { !$0.isNaN }
                        return reps.isEmpty ? .nan : reps.reduce(0, +) / Double(reps.count)
                    }
                    if means.contains(where: \.isNaN) {
                        dropped += 1
                        continue
                    }
                    values += means
                    units += chunk.map(\.units)
                }
                droppedGroups = max(droppedGroups, dropped)
                guard let first = values.first else { continue }
                var output = Output(cell: cell, cellLabel: label, metric: metric, size: values.count / group)
                // Exactly one value: the variance is 0 and every index would be 0 / 0.
                if values.allSatisfy({ $0 == first }) {
                    output.constant = first
                    outputs.append(output)
                    continue
                }
                func row(_ j: Int) -> Row {
                    Row(cell: cell, cellLabel: label, metric: metric, parameter: sampled[j].path)
                }
                if method == "sobol" {
                    let s = SobolIndices.estimate(outputs: values, dimensions: d, resamples: resamples, seed: seed)
                    output.rows = (0..<d).map { j in
                        var r = row(j)
                        r.sobol = (s.firstOrder[j], s.firstOrderConfidence[j], s.total[j], s.totalConfidence[j])
                        return r
                    }
                } else {
                    let levels = Int(m["morris_levels"] ?? "4") ?? 4
                    let e = MorrisEffects.estimate(
                        units: units, outputs: values, levels: levels, resamples: resamples, seed: seed)
                    output.rows = (0..<d).map { j in
                        var r = row(j)
                        r.morris = (e.mu[j], e.muStar[j], e.muStarConfidence[j], e.sigma[j])
                        return r
                    }
                }
                // Sorting is stable: ties keep the order the experiment lists the parameters in.
                output.rows.sort { Self.rankKey($0) > Self.rankKey($1) }
                Self.checkStability(&output)
                outputs.append(output)
            }
        }
    }

    static func rankKey(_ r: Row) -> Double { r.sobol?.st ?? r.morris?.muStar ?? 0 }

    /// Flags indices a small sample has made unreliable, and suggests a size.
    ///
    /// Sobol: an index outside [0, 1] by more than its half-width (S1 +
    /// half-width < 0, or ST - half-width > 1) is not sampling noise the
    /// interval accounts for: the estimator has not converged. A half-width
    /// above 0.5 (an interval wider than [0, 1], the range of any share)
    /// says nothing either; very small samples give exactly that, wide
    /// enough intervals to hide the first sign. Morris: mu* of
    /// a parameter that matters (at least a tenth of the largest mu*) with a
    /// half-width larger than itself cannot be told from 0, so the ranking is
    /// not settled; smaller mu* are left alone, since screening them out does
    /// not depend on their exact size.
    ///
    /// Half-widths shrink as 1 / sqrt(size). The suggestion is the size that
    /// brings the widest half-width to 0.05 (Sobol, indices being shares of
    /// 1) or to a quarter of its mu* (Morris), at least ten times the current
    /// size, rounded up to a power of ten: an order of magnitude, not a
    /// promise.
    static func checkStability(_ output: inout Output) {
        var problems: [String] = [], ratio = 0.0
        let f = Readable.number
        let largestMuStar = output.rows.compactMap { $0.morris?.muStar }.max() ?? 0
        for r in output.rows {
            if let s = r.sobol {
                if s.s1 + s.s1Confidence < 0 {
                    problems.append("S1 of \(r.parameter) = \(f(s.s1)) +/- \(f(s.s1Confidence))")
                }
                if s.st - s.stConfidence > 1 {
                    problems.append("ST of \(r.parameter) = \(f(s.st)) +/- \(f(s.stConfidence))")
                }
                if max(s.s1Confidence, s.stConfidence) > 0.5 && s.s1 + s.s1Confidence >= 0 && s.st - s.stConfidence <= 1
                {
                    let widerIsS1 = s.s1Confidence >= s.stConfidence
                    let (name, value, halfWidth) =
                        widerIsS1 ? ("S1", s.s1, s.s1Confidence) : ("ST", s.st, s.stConfidence)
                    problems.append("\(name) of \(r.parameter) = \(f(value)) +/- \(f(halfWidth))")
                }
                ratio = max(ratio, s.s1Confidence / 0.05, s.stConfidence / 0.05)
            }
            if let e = r.morris, e.muStar >= largestMuStar / 10, e.muStar > 0 {
                if e.muStarConfidence > e.muStar {
                    problems.append("mu* of \(r.parameter) = \(f(e.muStar)) +/- \(f(e.muStarConfidence))")
                }
                ratio = max(ratio, e.muStarConfidence / (e.muStar / 4))
            }
        }
        guard !problems.isEmpty else { return }
        let wanted = Double(output.size) * max(10, ratio * ratio)
        var power = 10
        while Double(power) < wanted && power < 1_000_000_000 { power *= 10 }
        output.suggestedSize = power
        output.instability = problems.joined(separator: ", ")
    }

    /// The warning line of an unstable output, nil when it is stable.
    public func warning(_ o: Output) -> String? {
        guard let wanted = o.suggestedSize, let why = o.instability else { return nil }
        return
            "too few \(sizeKey) for stable indices (\(why)): raise \(sizeKey) from \(o.size) to the order of \(wanted)"
    }

    public var text: String {
        var out =
            method == "sobol"
            ? "Sobol indices (first order S1 and total ST, with 95% bootstrap half-widths), ranked by ST\n"
            : "Morris elementary effects (mu, mu* with 95% bootstrap half-width, sigma; in output units per unit range), ranked by mu*\n"
        if droppedGroups > 0 {
            out +=
                "Note: up to \(droppedGroups) \(method == "sobol" ? "blocks" : "trajectories") per output were left out because a run failed.\n"
        }
        let width = max(10, rows.map(\.parameter.count).max() ?? 0)
        let f = Readable.number
        for o in outputs {
            let heading = "\(o.metric)\(o.cellLabel.isEmpty ? "" : " (\(o.cellLabel))")"
            if let value = o.constant {
                out += "\n\(heading): constant (\(o.metric) = \(f(value))): no variance to apportion\n"
                continue
            }
            out += "\n\(heading):\n"
            for r in o.rows {
                let name = "  " + r.parameter.padding(toLength: width, withPad: " ", startingAt: 0)
                if let s = r.sobol {
                    out += "\(name)  S1 \(f(s.s1)) +/- \(f(s.s1Confidence))   ST \(f(s.st)) +/- \(f(s.stConfidence))\n"
                } else if let e = r.morris {
                    out +=
                        "\(name)  mu \(f(e.mu))   mu* \(f(e.muStar)) +/- \(f(e.muStarConfidence))   sigma \(f(e.sigma))\n"
                }
            }
            if let w = warning(o) { out += "  Warning: \(w).\n" }
        }
        return out
    }

    /// One JSON object per parameter of each output and cell (JSON lines),
    /// in report order. Every line has the same keys: the indices, `rank`
    /// (1 = largest ST or mu*) and `warning` are null for a constant output,
    /// whose value is in `constant` (null otherwise); `suggested_samples` or
    /// `suggested_trajectories` and `warning` are null for stable indices.
    public var jsonLines: [[String: Any]] {
        var lines: [[String: Any]] = []
        for o in outputs {
            let base: [String: Any] = [
                "method": method, "cell": o.cell, "cell_label": o.cellLabel, "metric": o.metric,
                "constant": o.constant ?? NSNull(), "warning": warning(o) ?? NSNull(),
                "suggested_\(sizeKey)": o.suggestedSize ?? NSNull(), sizeKey: o.size,
            ]
            let names = o.constant == nil ? o.rows.map(\.parameter) : parameters
            for (k, name) in names.enumerated() {
                var line = base
                line["parameter"] = name
                let r = o.constant == nil ? o.rows[k] : nil
                line["rank"] = r == nil ? NSNull() : k + 1
                let s = r?.sobol, e = r?.morris
                if method == "sobol" {
                    line["S1"] = s?.s1 ?? NSNull()
                    line["S1_conf"] = s?.s1Confidence ?? NSNull()
                    line["ST"] = s?.st ?? NSNull()
                    line["ST_conf"] = s?.stConfidence ?? NSNull()
                } else {
                    line["mu"] = e?.mu ?? NSNull()
                    line["mu_star"] = e?.muStar ?? NSNull()
                    line["mu_star_conf"] = e?.muStarConfidence ?? NSNull()
                    line["sigma"] = e?.sigma ?? NSNull()
                }
                lines.append(line)
            }
        }
        return lines
    }
}
