import Foundation

/// The per-tick outputs of a run as a table: one row per tick, kernel
/// columns first (fixed order), then every open spending account (0 in a
/// tick with nothing booked) and every metric plugins recorded, each sorted
/// by name. The accounts are the kernel's (always all of them) and those
/// plugins booked to, so runs of one scenario and plugin set have the same
/// columns whatever they spent. Numbers are formatted here, once, so every
/// writer (CSV, database) gets byte-identical text.
public struct SeriesTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public static func build(_ sim: Simulation) -> SeriesTable {
        let base = SeriesColumns.kernelColumns(for: sim)
        let accounts = sim.ledger.accounts.union(sim.history.flatMap { $0.spendTotal.keys }).sorted()
        let metricNames = Set(sim.metrics.flatMap { $0.keys }).sorted()
        let header = base + accounts.map { "spend_" + $0 } + metricNames
        var rows: [[String]] = []
        var level = 0.0
        for (i, s) in sim.history.enumerated() {
            for l in Simulation.criticalMassLevels where s.adoption >= l { level = max(level, l) }
            var row = SeriesColumns.kernelValues(s, sim: sim, criticalMass: level)
            row += accounts.map { format(s.spendThisTick[$0] ?? 0) }
            row += metricNames.map { sim.metrics[i][$0].map(format) ?? "" }
            rows.append(row)
        }
        return SeriesTable(header: header, rows: rows)
    }

    /// Shortest text that reads back to the same value at 9 significant digits.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.9g", x)
    }

    public var csv: String {
        var out = header.joined(separator: ",") + "\n"
        for row in rows { out += row.joined(separator: ",") + "\n" }
        return out
    }
}

public enum SeriesColumns {
    public static func kernelColumns(for sim: Simulation) -> [String] {
        ["tick", "date", "adopters", "adoption", "new_adopters"]
            + Stage.allCases.map { "stage_" + $0.name }
            + AdopterCategory.allCases.map { "adoption_" + $0.name }
            + sim.sectors.map { "adoption_" + $0.name }
            + FirmSize.allCases.map { "adoption_" + $0.name }
            + ["critical_mass", "productivity_index", "readiness", "compute_demand", "compute_served", "rationing",
               "energy_gwh", "emissions_t", "incidents", "trust", "special_fund_left", "spend_tick", "spend_cumulative"]
    }

    static func kernelValues(_ s: TickStats, sim: Simulation, criticalMass: Double) -> [String] {
        let f = SeriesTable.format
        var row = [String(s.tick), sim.calendar.label(s.tick), String(s.adopters), f(s.adoption), String(s.newAdopters)]
        row += s.stageCounts.map(String.init)
        row += (0..<5).map { f(TickStats.share(s.categoryAdopters[$0], s.categoryTotals[$0])) }
        row += s.sectorAdopters.indices.map { f(TickStats.share(s.sectorAdopters[$0], s.sectorTotals[$0])) }
        row += (0..<3).map { f(TickStats.share(s.sizeAdopters[$0], s.sizeTotals[$0])) }
        let m = s.macro
        row += [f(criticalMass), f(m.productivityIndex), f(m.readiness), f(m.computeDemand), f(m.computeServed), f(m.rationing),
                f(m.energy), f(m.emissions), f(m.incidents), f(m.trust), f(s.specialFundLeft),
                f(FiscalLedger.sum(s.spendThisTick)), f(FiscalLedger.sum(s.spendTotal))]
        return row
    }
}
