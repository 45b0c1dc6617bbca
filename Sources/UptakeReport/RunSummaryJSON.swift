import Foundation
import UptakeKernel

/// `uptake run --json`: the run's summary as one JSON object on one line,
/// for scripts. Every field is documented in docs/cli.md ("uptake run
/// --json"); a value that is not a finite number is null.
public enum RunSummaryJSON {
    /// A plugin of the run: name, version and the folder it was loaded from.
    public struct Plugin: Sendable {
        public var name: String, version: String, path: String
        public init(name: String, version: String, path: String) {
            self.name = name
            self.version = version
            self.path = path
        }
    }

    public static func object(
        simulation sim: Simulation, scenarioName: String, scenarioFile: String, plugins: [Plugin],
        seriesPath: String, firmsPath: String?, program: String? = nil
    ) -> [String: Any] {
        let c = sim.config
        let last = sim.history.count - 1
        func number(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
        var object: [String: Any] = [
            "scenario": ["name": scenarioName, "file": scenarioFile],
            // A string: seeds go to 2^64-1, more than many JSON readers hold exactly.
            "seed": String(c.seed),
            "firms": sim.firms.count,
            "rule": c.model.name,
            "unit": c.calendar.unit.rawValue,
            "ticks": sim.history.count,
            "start": c.calendar.label(0),
            "end": c.calendar.label(max(last, 0)),
            "plugins": plugins.map { ["name": $0.name, "version": $0.version, "path": $0.path] },
            "outputs": ["series": seriesPath, "firms": firmsPath.map { $0 as Any } ?? NSNull()],
        ]
        // `uptake --version` of the build that ran it: part of the run's provenance.
        if let program { object[RunRecord.programKey] = program }
        object["critical_mass"] = Simulation.criticalMassLevels.map { level -> [String: Any] in
            let tick = sim.criticalMassTicks[level]
            return [
                "level": level, "tick": tick.map { $0 as Any } ?? NSNull(),
                "date": tick.map { sim.calendar.label($0) as Any } ?? NSNull(),
            ]
        }
        guard last >= 0 else { return object }
        let s = sim.history[last]
        var byCategory: [String: Any] = [:]
        for category in AdopterCategory.allCases {
            let i = Int(category.rawValue)
            byCategory[category.name] = number(TickStats.share(s.categoryAdopters[i], s.categoryTotals[i]))
        }
        var bySize: [String: Any] = [:]
        for size in FirmSize.allCases {
            let i = Int(size.rawValue)
            bySize[size.name] = number(TickStats.share(s.sizeAdopters[i], s.sizeTotals[i]))
        }
        object["adoption"] = [
            "final": number(s.adoption), "adopters": s.adopters, "by_category": byCategory, "by_size": bySize,
        ]
        // Every quantity of the output schema from critical_mass on, under its series column's name.
        object["at_end"] = Dictionary(uniqueKeysWithValues: OutputSchema.economy.map { ($0.name, number($0.value(s))) })
        let accounts = s.spendTotal.filter { $0.value != 0 }.mapValues(number)
        object["public_spending_yuan"] = ["total": number(FiscalLedger.sum(s.spendTotal)), "by_account": accounts]
        return object
    }

    /// The object as one line of JSON with sorted keys.
    public static func line(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
