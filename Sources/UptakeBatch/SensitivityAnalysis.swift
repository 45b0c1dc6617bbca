import UptakeReport
import UptakeScripting

/// `uptake sensitivity`: which sampled parameters drive each output. For a
/// `sobol` design, first-order and total Sobol indices; for a `morris`
/// design, mu, mu* and sigma. Computed separately in each cell (each
/// combination of listed values, e.g. each policy), on the mean of each
/// point's successful replicates.
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

    public var method: String
    public var rows: [Row] = []
    /// Blocks (Sobol) or trajectories (Morris) left out because a run failed.
    public var droppedGroups = 0

    public init(_ data: ResultsData, metrics only: [String]? = nil, resamples: Int = 1000) throws {
        let m = data.metadata
        method = m["design"] ?? "?"
        guard method == "sobol" || method == "morris" else {
            throw Diagnostic(file: m["file"], problem: "sensitivity indices need a sobol or morris design, but this batch used '\(method)'",
                             fix: "Set design = { kind = \"sobol\", samples = 256 } (or kind = \"morris\", trajectories = 20) in the experiment and run it again")
        }
        let sampled = data.parameters.filter(\.sampled)
        let listed = data.parameters.enumerated().filter { !$0.element.sampled }.map(\.offset)
        let d = sampled.count
        let metrics = (only ?? data.metrics).filter { $0 != "ticks_run" }
        if let unknown = metrics.first(where: { !data.metrics.contains($0) }) {
            throw Diagnostic(file: m["file"], problem: "the batch recorded no output '\(unknown)'", fix: Suggestion.hint(for: unknown, in: data.metrics).capitalizedFirst)
        }
        let seed = UInt64(m["seed"] ?? "1") ?? 1
        let byPoint = data.outputsByPoint()
        let group = method == "sobol" ? d + 2 : d + 1
        for (cell, points) in Dictionary(grouping: data.points, by: \.cell).sorted(by: { $0.key < $1.key }) {
            let points = points.sorted { $0.sample < $1.sample }
            let label = listed.map { "\(data.parameters[$0].path)=\(ResultsData.short(points[0].values[$0], sampled: false))" }.joined(separator: ", ")
            for metric in metrics {
                // Mean over replicates; a group with a missing point is left out whole.
                var units: [[Double]] = [], outputs: [Double] = []
                var dropped = 0
                for start in stride(from: 0, to: points.count - group + 1, by: group) {
                    let chunk = points[start..<start + group]
                    let values = chunk.map { p -> Double in
                        let reps = (byPoint[p.index] ?? [:]).values.compactMap { $0[metric] }.filter { !$0.isNaN }
                        return reps.isEmpty ? .nan : reps.reduce(0, +) / Double(reps.count)
                    }
                    if values.contains(where: \.isNaN) { dropped += 1; continue }
                    outputs += values
                    units += chunk.map(\.units)
                }
                droppedGroups = max(droppedGroups, dropped)
                guard !outputs.isEmpty else { continue }
                if method == "sobol" {
                    let s = SobolIndices.estimate(outputs: outputs, dimensions: d, resamples: resamples, seed: seed)
                    for j in 0..<d {
                        rows.append(Row(cell: cell, cellLabel: label, metric: metric, parameter: sampled[j].path,
                                        sobol: (s.firstOrder[j], s.firstOrderConfidence[j], s.total[j], s.totalConfidence[j]), morris: nil))
                    }
                } else {
                    let levels = Int(m["morris_levels"] ?? "4") ?? 4
                    let e = MorrisEffects.estimate(units: units, outputs: outputs, levels: levels, resamples: resamples, seed: seed)
                    for j in 0..<d {
                        rows.append(Row(cell: cell, cellLabel: label, metric: metric, parameter: sampled[j].path, sobol: nil,
                                        morris: (e.mu[j], e.muStar[j], e.muStarConfidence[j], e.sigma[j])))
                    }
                }
            }
        }
    }

    public var text: String {
        var out = method == "sobol" ? "Sobol indices (first order S1 and total ST, with 95% bootstrap half-widths)\n"
                                    : "Morris elementary effects (mu, mu* with 95% bootstrap half-width, sigma; in output units per unit range)\n"
        if droppedGroups > 0 { out += "Note: up to \(droppedGroups) \(method == "sobol" ? "blocks" : "trajectories") per output were left out because a run failed.\n" }
        let width = max(10, rows.map(\.parameter.count).max() ?? 0)
        var heading = ""
        for r in rows {
            let h = "\n\(r.metric)\(r.cellLabel.isEmpty ? "" : " (\(r.cellLabel))"):\n"
            if h != heading { out += h; heading = h }
            let name = "  " + r.parameter.padding(toLength: width, withPad: " ", startingAt: 0)
            let f = Readable.number
            if let s = r.sobol {
                out += "\(name)  S1 \(f(s.s1)) +/- \(f(s.s1Confidence))   ST \(f(s.st)) +/- \(f(s.stConfidence))\n"
            } else if let e = r.morris {
                out += "\(name)  mu \(f(e.mu))   mu* \(f(e.muStar)) +/- \(f(e.muStarConfidence))   sigma \(f(e.sigma))\n"
            }
        }
        return out
    }

    /// One JSON object per row (JSON lines).
    public var jsonLines: [[String: Any]] {
        rows.map { r in
            var o: [String: Any] = ["method": method, "cell": r.cell, "cell_label": r.cellLabel, "metric": r.metric, "parameter": r.parameter]
            if let s = r.sobol { o["S1"] = s.s1; o["S1_conf"] = s.s1Confidence; o["ST"] = s.st; o["ST_conf"] = s.stConfidence }
            if let e = r.morris { o["mu"] = e.mu; o["mu_star"] = e.muStar; o["mu_star_conf"] = e.muStarConfidence; o["sigma"] = e.sigma }
            return o
        }
    }
}
