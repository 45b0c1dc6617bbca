import UptakeKernel

/// The charts of one run, made from its per-tick table alone (a run in
/// memory, or series.csv read back with `SeriesCSVReader`), so the report of
/// `uptake report`, `uptake run --report` and the explorer of `uptake serve`
/// draw the same pictures:
///
/// - adoption overall, and by adopter category, against Rogers'
///   critical-mass levels (5, 16, 20 and 50% of firms);
/// - the firms in each stage of the decision process, stacked;
/// - adoption by sector and by firm size;
/// - the productivity index, energy, emissions and trust;
/// - public spending so far, by ledger account.
///
/// A chart whose columns the table lacks is left out (a table of another
/// version of uptake, or a scenario without sectors).
///
///     let charts = RunCharts.charts(OutputTable(simulation))
///     charts.map(\.id)  // ["adoption", "adoption-by-category", "stages", ...]
public enum RunCharts {
    public static func charts(_ table: OutputTable) -> [Chart] {
        let columns = Columns(table)
        var charts: [Chart] = []
        if let adoption = columns.values("adoption") {
            charts.append(
                LineChart(
                    id: "adoption", title: "Adoption: share of firms using the innovation",
                    summary: "The share of all firms that have adopted (stage adopted or confirmed) at each date. "
                        + "Dashed lines mark Rogers' critical-mass levels, with the date adoption first reached each; "
                        + "past about 16 to 20% adoption usually sustains itself.",
                    dates: table.dates, valueTitle: "share of firms (%)", format: .percent,
                    series: [.init("all firms", adoption)], references: columns.criticalMassReferences,
                    referenceName: "Rogers' critical-mass levels"
                ).chart())
        }
        let categories = AdopterCategory.allCases.map(\.name)
        if let series = columns.lines(categories.map { "adoption_" + $0 }, names: categories.map(RunCharts.words)) {
            charts.append(
                LineChart(
                    id: "adoption-by-category", title: "Adoption by adopter category",
                    summary: "The share of each of Rogers' adopter categories that has adopted: innovators (2.5% of "
                        + "firms) should lead, then early adopters (13.5%), the early and late majority (34% each) "
                        + "and laggards (16%). Dashed lines mark the critical-mass levels.",
                    dates: table.dates, valueTitle: "share of the category's firms (%)", format: .percent,
                    series: series, references: columns.criticalMassReferences,
                    referenceName: "Rogers' critical-mass levels"
                ).chart())
        }
        let stages = Stage.allCases.map(\.name)
        if let series = columns.lines(stages.map { "stage_" + $0 }, names: stages.map(RunCharts.words)) {
            charts.append(
                StackedAreaChart(
                    id: "stages", title: "Firms by stage of the decision process",
                    summary: "How many firms are in each stage at each date, stacked from unaware at the bottom: "
                        + "a band's height is its number of firms, and the stack's top is all firms. Firms move up "
                        + "through aware, persuaded and trial to adopted and confirmed, or drop out as rejected or "
                        + "discontinued.",
                    dates: table.dates, valueTitle: "firms", series: series.map { ($0.name, $0.values) }
                ).chart())
        }
        let sectors = columns.sectorColumns
        if !sectors.isEmpty, let series = columns.lines(sectors, names: sectors.map { String($0.dropFirst(9)) }) {
            charts.append(
                LineChart(
                    id: "adoption-by-sector", title: "Adoption by sector",
                    summary: "The share of each sector's firms that has adopted, at each date.",
                    dates: table.dates, valueTitle: "share of the sector's firms (%)", format: .percent, series: series
                ).chart())
        }
        let sizes = FirmSize.allCases.map(\.name)
        if let series = columns.lines(sizes.map { "adoption_" + $0 }, names: sizes) {
            charts.append(
                LineChart(
                    id: "adoption-by-size", title: "Adoption by firm size",
                    summary: "The share of small, medium and large firms that has adopted, at each date.",
                    dates: table.dates, valueTitle: "share of firms of the size (%)", format: .percent, series: series
                ).chart())
        }
        let single: [(column: String, id: String, title: String, unit: String, summary: String, zero: Bool)] = [
            (
                "productivity_index", "productivity", "Productivity index", "index (100 = no gain)",
                "The index of new-quality productive forces: 100 is the productivity without the innovation, "
                    + "so 103 means 3% more output from the same inputs.", false
            ),
            (
                "energy_gwh", "energy", "Energy used by AI", "GWh in the tick",
                "The energy the adopters' AI compute used in each tick (not cumulated).", true
            ),
            (
                "emissions_t", "emissions", "Emissions of that energy", "tCO2 in the tick",
                "The carbon dioxide emitted to make that energy, in each tick (not cumulated).", true
            ),
            (
                "trust", "trust", "Social trust in AI output", "index 0..1",
                "Trust in what AI produces, from 0 (none) to 1 (full); false-content incidents lower it.", true
            ),
        ]
        for s in single {
            guard let values = columns.values(s.column) else { continue }
            charts.append(
                LineChart(
                    id: s.id, title: s.title, summary: s.summary, dates: table.dates, valueTitle: s.unit,
                    series: [.init(RunCharts.words(s.column), values)],
                    valueRange: s.column == "trust" ? 0...1 : nil, includeZero: s.zero
                ).chart())
        }
        if let spending = columns.spending(dates: table.dates) { charts.append(spending) }
        return charts
    }

    /// "early_adopters" -> "early adopters".
    static func words(_ name: String) -> String { name.replacingOccurrences(of: "_", with: " ") }

    /// The table's columns found by name, and the groups that depend on position.
    struct Columns {
        let table: OutputTable
        let index: [String: Int]

        init(_ table: OutputTable) {
            self.table = table
            index = Dictionary(table.names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }

        /// The column's values, one per row (NaN where a row is short).
        func values(_ name: String) -> [Double]? {
            guard let c = index[name] else { return nil }
            return table.rows.map { c < $0.count ? $0[c] : .nan }
        }

        /// One line per column present; nil when none is.
        func lines(_ columns: [String], names: [String]) -> [LineChart.Series]? {
            let series = zip(columns, names).compactMap { column, name in
                values(column).map { LineChart.Series(name, $0) }
            }
            return series.isEmpty ? nil : series
        }

        /// Sector columns are the `adoption_` columns between the adopter
        /// categories' and the sizes' (OutputSchema's order), so a sector
        /// named like a category or size cannot be mistaken for one.
        var sectorColumns: [String] {
            guard let lastCategory = index["adoption_" + AdopterCategory.allCases.last!.name],
                let firstSize = index["adoption_" + FirmSize.allCases.first!.name], lastCategory < firstSize
            else { return [] }
            return table.names[(lastCategory + 1)..<firstSize].filter { $0.hasPrefix("adoption_") }
        }

        /// The critical-mass levels, each labelled with the date adoption first reached it.
        var criticalMassReferences: [LineChart.Reference] {
            let reached = values("critical_mass") ?? values("adoption") ?? []
            return Simulation.criticalMassLevels.map { level in
                let name = Readable.percent(level)
                guard let tick = reached.firstIndex(where: { $0 >= level - 1e-12 }), tick < table.dates.count else {
                    return LineChart.Reference(value: level, label: name)
                }
                return LineChart.Reference(value: level, label: "\(name) \(table.dates[tick])")
            }
        }

        /// Public spending so far: the total and each account that spent, cumulated from the per-tick columns.
        func spending(dates: [String]) -> Chart? {
            let prefix = OutputSchema.accountPrefix
            let totals = ["spend_tick", "spend_cumulative"]
            let accounts = table.names.filter { $0.hasPrefix(prefix) && !totals.contains($0) }
            var series: [LineChart.Series] = []
            var idle: [String] = []
            for account in accounts {
                guard let perTick = values(account) else { continue }
                var sum = 0.0
                let cumulative = perTick.map { x -> Double in
                    if x.isFinite { sum += x }
                    return sum
                }
                if cumulative.allSatisfy({ $0 == 0 }) {
                    idle.append(String(account.dropFirst(prefix.count)))
                } else {
                    series.append(.init(String(account.dropFirst(prefix.count)), cumulative))
                }
            }
            if let total = values("spend_cumulative") { series.insert(.init("all accounts", total), at: 0) }
            guard !series.isEmpty else { return nil }
            var summary =
                "Public money spent or forgone so far (cumulated over the ticks), in all and by ledger "
                + "account; a tax relief books the revenue it forgoes."
            if !idle.isEmpty { summary += " Accounts with no spending: " + idle.joined(separator: ", ") + "." }
            return LineChart(
                id: "spending", title: "Public spending so far, by account", summary: summary, dates: dates,
                valueTitle: "cumulative spending (yuan; m = million, bn = billion)", format: .yuan, series: series
            ).chart()
        }
    }
}
