import Foundation
import UptakeFiles
import UptakeReport

/// What a calibration found, for people (text) and for tools (CSV files):
/// the posterior of each parameter (weighted mean and 90% credible
/// interval), the effective sample size, and the posterior predictive band
/// against every data point (5% to 95% of the kept particles' simulated values,
/// and of those values plus the data's sampling error, which the data are checked against).
public struct CalibrationReport {
    public let calibration: Calibration
    public let result: CalibrationRunner.Result

    public init(calibration: Calibration, result: CalibrationRunner.Result) {
        self.calibration = calibration
        self.result = result
    }

    /// A data point with its predictive bands.
    public struct Band: Sendable {
        public var point: ObservedData.Point
        /// 5%, 50% and 95% of the kept particles' simulated values (the model's own spread).
        public var runsLow: Double, median: Double, runsHigh: Double
        /// 5% to 95% of what the data would show: a simulated value plus the data's sampling error
        /// (normal, its se), over the kept particles by weight. The data are checked against this.
        public var low: Double, high: Double
        public var covers: Bool { point.value >= low && point.value <= high }

        /// The columns of a band table, for the text report and the page alike.
        public static let header = ["date", "segment", "observed", "median", "runs", "with data error", "covered"]
        /// This band as a row of `header`, shares in percent.
        public var row: [String] {
            [
                point.date, point.segment, Readable.percent(point.value), Readable.percent(median),
                "\(Readable.percent(runsLow)) to \(Readable.percent(runsHigh))",
                "\(Readable.percent(low)) to \(Readable.percent(high))", covers ? "yes" : "NO",
            ]
        }
    }

    /// The bands of each fitted point over the last generation's kept particles, by weight.
    public var bands: [Band] {
        let last = result.generations.last!
        let kept = last.particles.indices.filter { last.distances[$0] <= last.population.tolerance }
        let weights = last.population.weights
        return result.fitted.enumerated().map { j, point in
            let values = kept.map { last.simulated[$0][j] }
            let population = ABCSMC.Population(
                particles: values.map { [$0] }, weights: weights, distances: [], tolerance: 0)
            let se = point.standardError ?? Calibration.defaultStandardError
            let observed = NormalMixture(means: values, weights: population.normalisedWeights, sd: se)
            return Band(
                point: point, runsLow: population.quantile(0.05, 0), median: population.quantile(0.5, 0),
                runsHigh: population.quantile(0.95, 0), low: observed.quantile(0.05), high: observed.quantile(0.95))
        }
    }

    /// The kept particle with the smallest distance: its parameter values and distance.
    public var closest: (values: [(path: String, value: Double)], distance: Double)? {
        let posterior = result.posterior
        guard let i = posterior.distances.indices.min(by: { posterior.distances[$0] < posterior.distances[$1] })
        else { return nil }
        let values = zip(calibration.parameters, posterior.particles[i]).map { ($0.path, $0.scaled($1)) }
        return (values, posterior.distances[i])
    }

    /// Per parameter: its path, prior interval, posterior mean and 90% credible interval, as text.
    public var posteriorRows: [[String]] {
        let posterior = result.posterior
        return calibration.parameters.enumerated().compactMap { d, p in
            guard case .interval(let lo, let hi) = p.domain else { return nil }
            return [
                p.path, "\(Readable.number(lo)) to \(Readable.number(hi))",
                Readable.number(p.scaled(posterior.mean(d))),
                Readable.interval(p.scaled(posterior.quantile(0.05, d)), p.scaled(posterior.quantile(0.95, d))),
            ]
        }
    }

    public var text: String {
        let posterior = result.posterior
        var out =
            "\nPosterior (\(posterior.particles.count) particles, effective sample size "
            + "\(Readable.number(posterior.effectiveSampleSize))):\n"
        let rows = [["parameter", "prior", "mean", "90% credible interval"]] + posteriorRows
        out += TextTable.lines(rows).map { "  " + $0 }.joined(separator: "\n") + "\n"
        if let best = closest {
            // The means of a wide posterior need not fit together; the closest particle does.
            out +=
                "\nClosest to the data (distance \(Readable.number(best.distance))), a point estimate for the scenario:\n"
                + best.values.map { "  \($0.path) = \(Readable.number($0.value))" }.joined(separator: "\n") + "\n"
        }
        let bands = self.bands
        out +=
            "\nPosterior predictive band against the data: 5% to 95% of the kept particles' runs, and of what a survey"
            + " would show (a run plus the data's standard error, one percentage point where the file gives none):\n"
        let table = [Band.header] + bands.map(\.row)
        out += TextTable.lines(table, left: [0, 1]).map { "  " + $0 }.joined(separator: "\n") + "\n"
        let covered = bands.filter(\.covers).count
        out += "  \(covered) of \(bands.count) data points inside the band\n"
        if !result.skipped.isEmpty {
            out +=
                "  Not fitted, outside the scenario's dates: "
                + result.skipped.map { "\($0.date) \($0.segment)" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// posterior.csv (one row per kept particle: parameter values, weight, distance),
    /// predictive.csv (one row per data point: observed, bands, covered) and report.html
    /// (`CalibrationPage`), staged and written together.
    public func write(to folder: String, program: String) throws -> [String] {
        let posterior = result.posterior
        var csv = (calibration.parameters.map(\.path) + ["weight", "distance"]).joined(separator: ",") + "\n"
        let weights = posterior.normalisedWeights
        for (i, particle) in posterior.particles.enumerated() {
            let values = zip(particle, calibration.parameters).map { $1.scaled($0) }
            csv += (values + [weights[i], posterior.distances[i]]).map(SeriesCSV.format).joined(separator: ",") + "\n"
        }
        var predictive = "date,segment,observed,runs_low_5,median,runs_high_95,low_5,high_95,covered\n"
        for b in bands {
            predictive +=
                [b.point.date, b.point.segment].joined(separator: ",") + ","
                + [b.point.value, b.runsLow, b.median, b.runsHigh, b.low, b.high].map(SeriesCSV.format).joined(
                    separator: ",") + ","
                + (b.covers ? "true" : "false") + "\n"
        }
        let outputs = StagedOutputs()
        let files = [
            "posterior.csv": csv, "predictive.csv": predictive,
            "report.html": CalibrationPage.html(self, program: program),
        ]
        var written: [String] = []
        for name in files.keys.sorted() {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
            try outputs.stage(Data(files[name]!.utf8), at: url, display: url.path)
            written.append(url.path)
        }
        try outputs.commit()
        return written
    }
}
