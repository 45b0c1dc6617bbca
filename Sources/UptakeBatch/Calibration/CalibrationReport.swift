import Foundation
import UptakeFiles
import UptakeReport

/// What a calibration found, for people (text) and for tools (CSV files):
/// the posterior of each parameter (weighted mean and 90% credible
/// interval), the effective sample size, and the posterior predictive band
/// (5% to 95% of the kept particles' simulated values) against every data point.
public struct CalibrationReport {
    public let calibration: Calibration
    public let result: CalibrationRunner.Result

    public init(calibration: Calibration, result: CalibrationRunner.Result) {
        self.calibration = calibration
        self.result = result
    }

    /// A data point with its predictive band.
    public struct Band: Sendable {
        public var point: ObservedData.Point
        public var low: Double, median: Double, high: Double
        public var covers: Bool { point.value >= low && point.value <= high }
    }

    /// The band of each fitted point over the last generation's kept particles, by weight.
    public var bands: [Band] {
        let last = result.generations.last!
        let kept = last.particles.indices.filter { last.distances[$0] <= last.population.tolerance }
        let weights = last.population.weights
        return result.fitted.enumerated().map { j, point in
            let values = kept.map { last.simulated[$0][j] }
            let population = ABCSMC.Population(
                particles: values.map { [$0] }, weights: weights, distances: [], tolerance: 0)
            return Band(
                point: point, low: population.quantile(0.05, 0), median: population.quantile(0.5, 0),
                high: population.quantile(0.95, 0))
        }
    }

    public var text: String {
        let posterior = result.posterior
        var out =
            "\nPosterior (\(posterior.particles.count) particles, effective sample size "
            + "\(Readable.number(posterior.effectiveSampleSize))):\n"
        var rows = [["parameter", "prior", "mean", "90% credible interval"]]
        for (d, p) in calibration.parameters.enumerated() {
            guard case .interval(let lo, let hi) = p.domain else { continue }
            rows.append([
                p.path, "\(Readable.number(lo)) to \(Readable.number(hi))",
                Readable.number(p.scaled(posterior.mean(d))),
                Readable.interval(p.scaled(posterior.quantile(0.05, d)), p.scaled(posterior.quantile(0.95, d))),
            ])
        }
        out += TextTable.lines(rows).map { "  " + $0 }.joined(separator: "\n") + "\n"
        let bands = self.bands
        out += "\nPosterior predictive band against the data (5% to 95% of the kept particles' runs):\n"
        var table = [["date", "segment", "observed", "median", "band", "covered"]]
        for b in bands {
            table.append([
                b.point.date, b.point.segment, Readable.percent(b.point.value), Readable.percent(b.median),
                "\(Readable.percent(b.low)) to \(Readable.percent(b.high))", b.covers ? "yes" : "NO",
            ])
        }
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

    /// posterior.csv (one row per kept particle: parameter values, weight, distance) and
    /// predictive.csv (one row per data point: observed, band, covered), staged and written together.
    public func write(to folder: String) throws -> [String] {
        let posterior = result.posterior
        var csv = (calibration.parameters.map(\.path) + ["weight", "distance"]).joined(separator: ",") + "\n"
        let weights = posterior.normalisedWeights
        for (i, particle) in posterior.particles.enumerated() {
            let values = zip(particle, calibration.parameters).map { $1.scaled($0) }
            csv += (values + [weights[i], posterior.distances[i]]).map(SeriesCSV.format).joined(separator: ",") + "\n"
        }
        var predictive = "date,segment,observed,low_5,median,high_95,covered\n"
        for b in bands {
            predictive +=
                [b.point.date, b.point.segment].joined(separator: ",") + ","
                + [b.point.value, b.low, b.median, b.high].map(SeriesCSV.format).joined(separator: ",") + ","
                + (b.covers ? "true" : "false") + "\n"
        }
        let outputs = StagedOutputs()
        let files = ["posterior.csv": csv, "predictive.csv": predictive]
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
