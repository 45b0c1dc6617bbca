import UptakeReport

/// The report of a batch as one self-contained HTML page (`uptake report
/// RESULTS.db`): the experiment and where its results came from, the
/// policies ranked against the baseline as `uptake results` ranks them, the
/// charts of `BatchCharts`, the sensitivity indices when the design is
/// sobol or morris, and the failed runs.
///
/// Everything in it comes from the database and the build making it, so
/// the same database gives the same bytes (its only time is the batch's own
/// `created_at`).
public enum BatchReport {
    /// - Parameters:
    ///   - store: the results database, open for reading.
    ///   - source: the database's path as the user gave it.
    ///   - program: `uptake --version` of the build making the report.
    ///   - outcome: the final value policies are compared on (default as `uptake results`).
    public static func html(store: ResultStore, source: String, program: String, outcome: String? = nil) throws
        -> String
    {
        let data = try ResultsData(store: store)
        let summary = ResultsSummary(data, outcome: try ResultsSummary.outcome(outcome, in: data))
        let provenance = try store.provenance()
        let m = data.metadata
        var page = ReportPage(
            title: "Batch report: \(m["name"] ?? source)",
            subtitle: "An experiment of many runs: how each policy did against the baseline over the uncertainties, "
                + "what it cost, and which parameters mattered.",
            footer: "Made by \(program) (uptake report) from \(source). The same database gives the same report, "
                + "byte for byte. Numbers are rounded to three significant digits; uptake results --csv has every "
                + "digit.")
        page.section("The experiment", id: "experiment")
        page.facts(facts(data, provenance: provenance, source: source))
        page.subheading("Inputs and their versions")
        page.table(
            header: ["kind", "name", "version", "hash"],
            rows: provenance.entries.map { [$0.kind, $0.name, $0.version, String($0.hash.prefix(16))] },
            caption: "The files, plugins and build the results came from (SHA-256 of the files and plugins, "
                + "the git commit of the build), as uptake batch recorded them.")
        if !data.parameters.isEmpty {
            page.subheading("Parameters")
            page.table(
                header: ["parameter", "role", "values"],
                rows: data.parameters.enumerated().map { k, p in
                    [p.path, p.role, p.sampled ? "sampled by the design" : listedValues(data, parameter: k)]
                })
        }

        page.section("Policies against the baseline", id: "policies")
        page.paragraph(policyIntroduction(summary))
        page.table(header: policyHeader(summary), rows: policyRows(summary), numeric: [0, 2, 3, 4, 5, 6, 7])
        for chart in BatchCharts.policies(summary) { page.figure(chart) }

        let series = try BatchCharts.series(summary, store: store)
        if !series.isEmpty {
            page.section("Over time", id: "over-time")
            series.forEach { page.figure($0) }
        }

        if m["design"] == "sobol" || m["design"] == "morris" {
            let analysis = try SensitivityAnalysis(data)
            page.section("Which parameters matter", id: "sensitivity")
            page.paragraph(
                analysis.method == "sobol"
                    ? "Sobol indices: how much of each output's variance each sampled parameter explains, alone (S1) "
                        + "and with its interactions (ST), per policy, as uptake sensitivity computes them."
                    : "Morris elementary effects: how much each sampled parameter moves each output (mu*), and how "
                        + "much that effect varies (sigma), per policy, as uptake sensitivity computes them.")
            if analysis.droppedGroups > 0 {
                page.paragraph(
                    "Up to \(analysis.droppedGroups) \(analysis.method == "sobol" ? "blocks" : "trajectories") per "
                        + "output were left out because a run failed.", className: "note")
            }
            for chart in BatchCharts.sensitivity(analysis) { page.figure(chart) }
            let constant = analysis.outputs.filter { $0.constant != nil }
            if !constant.isEmpty {
                page.paragraph(
                    "Constant outputs (one value at every point, so no variance to apportion): "
                        + constant.map { o in
                            "\(o.metric)\(o.cellLabel.isEmpty ? "" : " (\(o.cellLabel))") = "
                                + Readable.number(o.constant ?? .nan)
                        }.joined(separator: "; ") + ".", className: "note")
            }
        }

        let failures = data.failures
        if !failures.isEmpty {
            page.section("Failed runs", id: "failures")
            page.paragraph(
                "\(failures.count) runs failed; they are left out of every number above. "
                    + (failures.count > 50 ? "The first 50:" : ""))
            page.table(
                header: ["run", "point", "replicate", "seed", "error"],
                rows: failures.prefix(50).map {
                    [String($0.run), String($0.point), String($0.replicate), "s" + $0.seed, $0.error ?? ""]
                }, numeric: [0, 1, 2])
        }
        return page.html
    }

    /// The experiment in terms and values.
    static func facts(_ data: ResultsData, provenance: Provenance, source: String) -> [(String, String)] {
        let m = data.metadata
        let failed = data.failures.count
        var facts: [(String, String)] = [
            ("Experiment", "\(m["name"] ?? "?"), file \(m["file"] ?? "?")"),
            ("Scenario", m["scenario"] ?? "?"),
            (
                "Design",
                "\(m["design"] ?? "?"): \(data.points.count) points x \(data.replicates) replicates = "
                    + "\(data.expectedRuns) runs; \(data.runs.count - failed) done, \(failed) failed, "
                    + "\(data.expectedRuns - data.runs.count) not run"
            ),
            ("Seed", m["seed"] ?? "?"),
            (
                "Common random numbers",
                m["common_random_numbers"] == "true" ? "yes: replicate r of every point used the same seed" : "no"
            ),
            ("Baseline", (m["baseline"] ?? "").isEmpty ? "none" : m["baseline"]!),
        ]
        if let fixed = m["fixed"], !fixed.isEmpty { facts.append(("Set for every run", fixed)) }
        if let start = m["calendar_start"], let unit = m["calendar_unit"], !start.isEmpty {
            facts.append(("Dates", "from \(start), \(unit)ly ticks"))
        }
        if let program = provenance.program { facts.append(("Run by", program.detailedDescription)) }
        let others = ResultStore.otherBuilds(in: m)
        if !others.isEmpty { facts.append(("Also run by", others.joined(separator: "; "))) }
        if let created = m["created_at"] { facts.append(("Started", created)) }
        facts.append(("Results", source))
        return facts
    }

    /// The values a listed parameter takes, in the order of the design points.
    static func listedValues(_ data: ResultsData, parameter k: Int) -> String {
        var seen: [String] = []
        for p in data.points where k < p.values.count && !seen.contains(p.values[k]) { seen.append(p.values[k]) }
        return seen.joined(separator: ", ")
    }

    static func policyIntroduction(_ summary: ResultsSummary) -> String {
        let c = summary.comparison
        guard c.hasBaseline else {
            return "Policies ranked by their mean \(c.outcome) \(summary.endOfRuns). The experiment has no baseline, "
                + "so policies are not compared run by run; its 95% CI is over each policy's runs."
        }
        let baseline = c.policies.filter(\.isBaseline).map(\.label).joined(separator: "; ")
        return "Policies ranked by their mean effect on \(c.outcome) \(summary.endOfRuns) against the baseline "
            + "\(baseline), paired run by run under the same uncertainty draw and seed: "
            + "\(summary.pairsText(c.policies.filter { !$0.isBaseline })). effect: mean of (policy - baseline); "
            + "95% CI: of that mean (Student's t); beats: share of pairs in which the policy did better; worst: the "
            + "smallest difference; extra spend: mean extra public spending (yuan); per extra adopter: extra spend / "
            + "extra adopters (yuan)."
    }

    static func policyHeader(_ summary: ResultsSummary) -> [String] {
        summary.comparison.hasBaseline
            ? ["rank", "policy", "effect", "95% CI", "beats", "worst", "extra spend", "per extra adopter"]
            : ["rank", "policy", "mean", "95% CI", "runs"]
    }

    /// The policy lines of `uptake results`, cell for cell.
    static func policyRows(_ summary: ResultsSummary) -> [[String]] {
        let c = summary.comparison
        guard c.hasBaseline else {
            return c.policies.map { p in
                guard p.level.count > 0 else { return ["", p.label, "no successful runs", "", ""] }
                return [
                    p.rank.map(String.init) ?? "", p.label, Readable.number(p.level.mean),
                    Readable.interval(p.level.ciLow, p.level.ciHigh), String(p.level.count),
                ]
            }
        }
        return c.policies.map { p in
            if p.isBaseline {
                return ["", p.label + " (baseline)", "", "", "", "", "", ""]
            }
            guard p.effect.count > 0 else { return ["", p.label, "no paired runs", "", "", "", "", ""] }
            let cost: String
            switch p.costPerExtraAdopter {
            case .yuan(let y): cost = Readable.yuan(y)
            case .noExtraSpending: cost = "free"
            case .noExtraAdopters: cost = "no gain"
            case .unknown: cost = Readable.missing
            }
            return [
                p.rank.map(String.init) ?? "", p.label, Readable.signed(p.effect.mean),
                Readable.interval(p.effect.ciLow, p.effect.ciHigh), p.shareBeatingBaseline.map(Readable.percent) ?? "",
                p.worstCase.map(Readable.signed) ?? "", p.extraSpending.map { Readable.yuan($0) } ?? Readable.missing,
                cost,
            ]
        }
    }
}
