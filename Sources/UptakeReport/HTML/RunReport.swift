import UptakeKernel

/// The report of one run as a self-contained HTML page: where the run came
/// from (scenario, seed, plugins and versions, the build of uptake, the
/// dates), its main results in a few lines, and every chart of `RunCharts`
/// with a caption saying how to read it.
///
/// It depends only on the series table and the run's record, so `uptake
/// run --report` and `uptake report RUN_DIR` give the same bytes for the
/// same run (the run reads its table back from the series.csv text it
/// writes, `SeriesCSV.roundTrip`); nothing in it depends on the clock.
public enum RunReport {
    /// - Parameters:
    ///   - table: the run's per-tick table.
    ///   - record: run.json, when the run folder has one.
    ///   - source: the series file the table came from, as the user named it.
    ///   - program: `uptake --version` of the build making the report.
    public static func html(table: OutputTable, record: RunRecord?, source: String, program: String) -> String {
        let name = record?.scenarioName ?? record?.scenarioFile ?? source
        var page = ReportPage(
            title: "Run report: \(name)",
            subtitle: "What one simulated run of the scenario gave: adoption, its stages and segments, and the "
                + "economy, energy and public budget, at each date.",
            footer: "Made by \(program) (uptake report) from \(source). The same run gives the same report, byte "
                + "for byte. Numbers are rounded to three significant digits; series.csv has every digit.")
        page.section("The run", id: "run")
        page.facts(provenance(table: table, record: record, source: source))
        if record == nil {
            page.paragraph(
                "There is no \(RunRecord.fileName) beside the series, so the scenario, seed and plugins are not known "
                    + "(uptake run writes it from version 0.2 on; run the scenario again to have them here).",
                className: "note")
        }
        page.section("Results at a glance", id: "results")
        page.table(header: ["quantity", "value"], rows: glance(table), numeric: [1])
        let charts = RunCharts.charts(table)
        let groups: [(String, String, Set<String>)] = [
            ("Adoption", "adoption", ["adoption", "adoption-by-category", "stages"]),
            ("Sectors and firm sizes", "segments", ["adoption-by-sector", "adoption-by-size"]),
            ("Economy, energy and trust", "economy", ["productivity", "energy", "emissions", "trust"]),
            ("Public spending", "spending", ["spending"]),
        ]
        for (heading, id, members) in groups {
            let shown = charts.filter { members.contains($0.id) }
            guard !shown.isEmpty else { continue }
            page.section(heading, id: id)
            shown.forEach { page.figure($0) }
        }
        if charts.isEmpty {
            page.paragraph("The series has no rows or none of the columns the charts draw.", className: "note")
        }
        return page.html
    }

    /// The run's provenance as terms and values.
    static func provenance(table: OutputTable, record: RunRecord?, source: String) -> [(String, String)] {
        var facts: [(String, String)] = []
        if let r = record {
            if let file = r.scenarioFile {
                facts.append(("Scenario", [r.scenarioName, file].compactMap { $0 }.joined(separator: ", file ")))
            }
            if let seed = r.seed { facts.append(("Seed", seed)) }
            if let firms = r.firms { facts.append(("Firms", Readable.number(Double(firms)))) }
            if let rule = r.rule { facts.append(("Adoption rule", rule)) }
            if let plugins = r.plugins {
                let list = plugins.map { $0.version.isEmpty ? $0.name : "\($0.name) \($0.version)" }
                facts.append(("Plugins", list.isEmpty ? "none" : list.joined(separator: ", ")))
            }
            if let program = r.program { facts.append(("Run by", program)) }
        }
        let dates = table.dates
        if let first = dates.first, let last = dates.last {
            let unit = record?.unit.map { " \($0)ly" } ?? ""
            facts.append(("Dates", "\(first) to \(last): \(dates.count)\(unit) ticks"))
        } else {
            facts.append(("Dates", "none: the series has no rows"))
        }
        facts.append(("Series", source))
        return facts
    }

    /// A few numbers to read first: the end of the run, and when critical mass came.
    static func glance(_ table: OutputTable) -> [[String]] {
        guard let last = table.rows.last, let date = table.dates.last else { return [] }
        func value(_ name: String) -> Double? {
            table.column(name).flatMap { $0 < last.count ? last[$0] : nil }
        }
        var rows: [[String]] = []
        if let a = value("adoption") { rows.append(["adoption at the end (\(date))", Readable.percent(a)]) }
        if let a = value("adopters"), let f = value("firms") {
            rows.append(["adopting firms at the end", "\(Readable.number(a)) of \(Readable.number(f))"])
        }
        if let column = table.column("critical_mass") ?? table.column("adoption") {
            for level in Simulation.criticalMassLevels {
                let tick = table.rows.firstIndex { column < $0.count && $0[column] >= level - 1e-12 }
                rows.append([
                    "adoption first reached \(Readable.percent(level))", tick.map { table.dates[$0] } ?? "not reached",
                ])
            }
        }
        if let p = value("productivity_index") {
            rows.append(["productivity index at the end (100 = no gain)", Readable.number(p)])
        }
        if let e = value("energy_gwh") { rows.append(["energy in the last tick", Readable.number(e) + " GWh"]) }
        if let e = value("emissions_t") { rows.append(["emissions in the last tick", Readable.number(e) + " tCO2"]) }
        if let t = value("trust") { rows.append(["trust at the end (0..1)", Readable.number(t)]) }
        if let s = value("spend_cumulative") { rows.append(["public spending over the run", Readable.yuan(s)]) }
        return rows
    }
}
