import Foundation
import UptakeKernel

/// The readable result of one run, as `uptake run` prints it: adoption
/// overall, by adopter category and by size at a few dates, the ticks at
/// which critical-mass levels were reached, and the macro outcomes.
public struct RunSummary {
    public let title: String
    public let lines: [String]

    /// Ticks worth showing: year-ends of the first three years, a middle year-end, and the last tick.
    public static func reportTicks(_ sim: Simulation) -> [Int] {
        let last = sim.history.count - 1
        guard last >= 0 else { return [] }
        let cal = sim.calendar
        let startYear = Int(cal.label(0).prefix(4)) ?? 0
        var ticks: [Int] = []
        for year in startYear..<(startYear + 3) {
            let t = cal.unit == .year ? year - startYear : cal.lastTick(ofYear: year)
            if t >= 0 && t < last { ticks.append(t) }
        }
        let endYear = Int(cal.label(last).prefix(4)) ?? startYear
        let middle = cal.lastTick(ofYear: (startYear + 3 + endYear) / 2)
        if middle > (ticks.last ?? -1) && middle < last { ticks.append(middle) }
        ticks.append(last)
        return ticks
    }

    public init(
        simulation sim: Simulation, scenarioName: String, scenarioFile: String, plugins: [String], seriesPath: String?
    ) {
        title = "Uptake: \(scenarioName)"
        var out: [String] = []
        let c = sim.config
        let netText: String
        switch c.network {
        case .smallWorld(let d, let r): netText = "small-world network (degree \(d), rewiring \(r))"
        case .erdosRenyi(let d): netText = "Erdos-Renyi network (mean degree \(d))"
        case .scaleFree(let m): netText = "scale-free network (\(m) ties per new firm)"
        case .lattice(let d): netText = "lattice (degree \(d))"
        case .meanField: netText = "mean-field mixing"
        case .edges:
            let ties = sim.network.directed ? "directed ties" : "ties"
            netText = "network from an edge list (\(sim.network.edgeCount) \(ties))"
        }
        let last = sim.history.count - 1
        out.append(
            "\(scenarioFile): \(sim.firms.count) firms, \(netText), rule '\(c.model.name)', seed \(c.seed), "
                + "\(sim.history.count) \(c.calendar.unit.rawValue)ly ticks \(c.calendar.label(0))-\(c.calendar.label(max(last, 0)))"
        )
        out.append("Plugins: " + (plugins.isEmpty ? "none" : plugins.joined(separator: ", ")))
        out.append("")
        out.append("Adoption: share of firms using the innovation")
        let header = ["date", "all", "innov.", "early", "e.maj.", "l.maj.", "lagg.", "small", "medium", "large"]
        var table = [header]
        for t in RunSummary.reportTicks(sim) {
            let s = sim.history[t]
            var row = [sim.calendar.label(t) + (t == last ? "*" : ""), Readable.percent(s.adoption)]
            row += (0..<5).map { Readable.percent(TickStats.share(s.categoryAdopters[$0], s.categoryTotals[$0])) }
            row += (0..<3).map { Readable.percent(TickStats.share(s.sizeAdopters[$0], s.sizeTotals[$0])) }
            table.append(row)
        }
        out += TextTable.lines(table).map { "  " + $0 }
        out.append("  (* end of run; innovators ... laggards are Rogers' adopter categories)")
        out.append("")
        var critical: [String] = []
        for level in Simulation.criticalMassLevels {
            let name = "\(Int((level * 100).rounded()))%"
            if let t = sim.criticalMassTicks[level] {
                critical.append("\(name) at tick \(t) (\(sim.calendar.label(t)))")
            } else {
                critical.append("\(name) not reached")
            }
        }
        out.append("Critical mass: " + critical.joined(separator: "; "))
        if last >= 0 {
            let s = sim.history[last], m = s.macro
            let n = Readable.number
            out.append(
                "At the end: productivity index \(n(m.productivityIndex)), technology readiness \(n(m.readiness)), "
                    + "trust \(n(m.trust)), compute served \(Readable.percent(m.rationing)) of demand")
            out.append(
                "Energy \(n(m.energy)) GWh and emissions \(n(m.emissions)) tCO2 in the last tick; "
                    + "public spending \(Readable.yuan(FiscalLedger.sum(s.spendTotal))) in total")
            let accounts = s.spendTotal.keys.sorted().filter { s.spendTotal[$0]! != 0 }
            if !accounts.isEmpty {
                out.append(
                    "  by account: "
                        + accounts.map { "\($0) \(Readable.yuan(s.spendTotal[$0]!))" }.joined(separator: ", "))
            }
        }
        if let seriesPath { out.append("Series: \(seriesPath) (\(sim.history.count) rows, one per tick)") }
        lines = out
    }

    public var text: String { ([title] + lines).joined(separator: "\n") + "\n" }

}
