import UptakeReport

/// The report of a calibration as one self-contained HTML page
/// (`OUT/report.html`, beside posterior.csv): what was fitted to what, how the
/// generations went, the posterior of each parameter, and one chart per data
/// segment with the observed values against the model's posterior predictive
/// band. Made from the calibration's results alone, so the same calibration
/// gives the same bytes.
public enum CalibrationPage {
    /// - Parameter program: `uptake --version` of the build making the page.
    public static func html(_ report: CalibrationReport, program: String) -> String {
        let c = report.calibration, result = report.result, posterior = result.posterior
        var page = ReportPage(
            title: "Calibration report: \(c.name)",
            subtitle: "Which values of the uncertain parameters make the model reproduce the data (approximate "
                + "Bayesian computation, ABC-SMC), and how well the fitted model covers every data point.",
            footer: "Made by \(program) (uptake calibrate) from \(c.file). Numbers are rounded to three significant "
                + "digits; posterior.csv and predictive.csv have every digit.")

        page.section("The calibration", id: "calibration")
        page.facts([
            ("calibration file", c.file), ("scenario", c.scenarioFile), ("data", c.dataFile),
            ("parameters fitted", "\(c.parameters.count)"),
            ("generations", "\(c.generations) of \(c.proposals) runs, \(c.particles) kept"),
            ("seed", "\(c.seed)"),
            ("values every run uses", c.fixed.isEmpty ? "none" : c.fixed.map(\.text).joined(separator: ", ")),
        ])
        page.subheading("Generations")
        page.table(
            header: ["generation", "tolerance", "particles kept", "effective sample size", "failed runs"],
            rows: result.generations.enumerated().map { g, generation in
                [
                    "\(g + 1)", Readable.number(generation.population.tolerance),
                    "\(generation.population.particles.count) of \(generation.particles.count)",
                    Readable.number(generation.population.effectiveSampleSize), "\(generation.failedRuns)",
                ]
            }, numeric: [0, 1, 2, 3, 4],
            caption: "The tolerance is the largest distance kept (root mean square of (simulated - observed) / se "
                + "over the data points); it never grows from one generation to the next. Every generation (its runs, particles, distances and weights) is in calibration.db beside this page."
        )

        page.section("Posterior", id: "posterior")
        page.paragraph(
            "The parameter values compatible with the data: the weighted mean and the 90% credible interval of each, "
                + "over the \(posterior.particles.count) particles kept by the last generation (effective sample "
                + "size \(Readable.number(posterior.effectiveSampleSize))). An interval almost as wide as the prior "
                + "means the data say little about that parameter.")
        page.table(
            header: ["parameter", "prior (uniform)", "mean", "90% credible interval"], rows: report.posteriorRows)
        if let best = report.closest {
            page.paragraph(
                "Closest to the data (distance \(Readable.number(best.distance))), a point estimate for the scenario: "
                    + best.values.map { "\($0.path) = \(Readable.number($0.value))" }.joined(separator: ", ") + ".")
        }

        let bands = report.bands
        page.section("Against the data", id: "data")
        let covered = bands.filter(\.covers).count
        page.paragraph(
            "\(covered) of \(bands.count) data points lie inside the posterior predictive band: 5% to 95% of what a "
                + "survey would report if one of the kept particles' runs were the truth (the run's value plus the "
                + "data's sampling error).")
        for segment in uniqueInOrder(bands.map(\.point.segment)) {
            page.figure(chart(segment: segment, bands: bands.filter { $0.point.segment == segment }))
        }
        page.table(
            header: CalibrationReport.Band.header, rows: bands.map(\.row), numeric: [2, 3])
        if !result.skipped.isEmpty {
            page.paragraph(
                "Not fitted, outside the scenario's dates: "
                    + result.skipped.map { "\($0.date) \($0.segment)" }.joined(separator: ", ") + ".",
                className: "note")
        }
        return page.html
    }

    /// One segment's data points (a line with markers) against the model's median and predictive band.
    static func chart(segment: String, bands: [CalibrationReport.Band]) -> Chart {
        let dates = uniqueInOrder(bands.map(\.point.date))
        // Shares (the default segments are adoption shares) read as percentages; anything else as numbers.
        let shares = bands.allSatisfy { b in [b.point.value, b.low, b.high].allSatisfy { (0...1).contains($0) } }
        func column(_ value: (CalibrationReport.Band) -> Double) -> [Double] {
            dates.map { date in bands.first { $0.point.date == date }.map(value) ?? .nan }
        }
        return LineChart(
            id: "fit-\(segment)", title: "Data and model: \(segment)",
            summary: "The observed values of segment \(segment) and the calibrated model's median, with the band "
                + "from 5% to 95% of what a survey would report (the kept particles' runs plus the data's sampling "
                + "error).",
            dates: dates, valueTitle: shares ? "share (%)" : "value", format: shares ? .percent : .number,
            series: [
                .init("observed", column(\.point.value)),
                .init(
                    "model (median, 90% band)", column(\.median), low: column(\.low), high: column(\.high)),
            ]
        ).chart()
    }

    static func uniqueInOrder(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
