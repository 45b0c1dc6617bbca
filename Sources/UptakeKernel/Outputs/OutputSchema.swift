/// Every quantity a run reports each tick, named once. This table is the one
/// source of the names of `ctx.stats` (UptakeScripting's StatsTable), the
/// columns of series.csv (`OutputTable`), what an experiment can `record` or
/// `stop` on, the API reference and the editor definitions
/// (APIReference), and the outputs table of docs/model.md. The kernel
/// computes the numbers; how they are written (CSV text, JSON, Lua values)
/// belongs to the modules that write them.
///
/// A quantity is either one number per tick (`OutputQuantity`) or a
/// breakdown (`OutputBreakdown`): one number per stage, adopter category,
/// sector or size, a table in `ctx.stats` and one column per key in the
/// series (`stage_adopted`, `adoption_innovators`, ...).
public struct OutputQuantity: Sendable {
    public enum Kind: String, Sendable {
        /// A whole number (a Lua integer).
        case count
        /// A number.
        case number
    }

    /// The name everywhere: column of series.csv, record and stop name, field of `ctx.stats`.
    public let name: String
    public let kind: Kind
    public let unit: String
    public let doc: String
    /// Where `ctx.stats` holds it, when not in a field of the same name (a
    /// total kept inside a breakdown table); nil when it is `ctx.stats.NAME`.
    public let luaPath: String?
    public let value: @Sendable (TickStats) -> Double

    init(
        _ name: String, _ kind: Kind, unit: String, luaPath: String? = nil, _ doc: String,
        _ value: @escaping @Sendable (TickStats) -> Double
    ) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.doc = doc
        self.luaPath = luaPath
        self.value = value
    }
}

/// One number per key of a fixed set (stages, categories, sectors, sizes).
public struct OutputBreakdown: Sendable {
    /// The field of `ctx.stats` holding the table keyed by name.
    public let name: String
    /// Series columns are this prefix followed by the key.
    public let columnPrefix: String
    public let kind: OutputQuantity.Kind
    public let unit: String
    public let doc: String
    /// The keys, in column order, for a run with these sectors.
    public let keys: @Sendable (_ sectors: [String]) -> [String]
    /// The values in the order of `keys`.
    public let values: @Sendable (TickStats) -> [Double]
}

/// One column of the per-tick table: a quantity or one key of a breakdown.
public struct OutputColumn: Sendable {
    public let name: String
    public let kind: OutputQuantity.Kind
    public let value: @Sendable (TickStats) -> Double
}

public enum OutputSchema {
    /// Per-tick quantities before the breakdowns, in column order (after `tick` and `date`).
    public static let counts: [OutputQuantity] = [
        OutputQuantity("firms", .count, unit: "firms", "Number of firms.") { Double($0.firmCount) },
        OutputQuantity("adopters", .count, unit: "firms", "Firms in stage adopted or confirmed.") {
            Double($0.adopters)
        },
        OutputQuantity("adoption", .number, unit: "share 0..1", "adopters / firms.") { $0.adoption },
        OutputQuantity("new_adopters", .count, unit: "firms", "Firms that adopted in that tick.") {
            Double($0.newAdopters)
        },
    ]

    public static let breakdowns: [OutputBreakdown] = [
        OutputBreakdown(
            name: "stage", columnPrefix: "stage_", kind: .count, unit: "firms",
            doc: "Firms per stage: " + Stage.allCases.map(\.name).joined(separator: ", ") + ".",
            keys: { _ in Stage.allCases.map(\.name) }, values: { $0.stageCounts.map(Double.init) }),
        OutputBreakdown(
            name: "category", columnPrefix: "adoption_", kind: .number, unit: "share 0..1",
            doc: "Adoption share per adopter category: " + AdopterCategory.allCases.map(\.name).joined(separator: ", ")
                + ".",
            keys: { _ in AdopterCategory.allCases.map(\.name) },
            values: { s in
                s.categoryAdopters.indices.map { TickStats.share(s.categoryAdopters[$0], s.categoryTotals[$0]) }
            }),
        OutputBreakdown(
            name: "sector", columnPrefix: "adoption_", kind: .number, unit: "share 0..1",
            doc: "Adoption share per sector of the scenario.",
            keys: { $0 },
            values: { s in s.sectorAdopters.indices.map { TickStats.share(s.sectorAdopters[$0], s.sectorTotals[$0]) } }),
        OutputBreakdown(
            name: "size", columnPrefix: "adoption_", kind: .number, unit: "share 0..1",
            doc: "Adoption share per size: " + FirmSize.allCases.map(\.name).joined(separator: ", ") + ".",
            keys: { _ in FirmSize.allCases.map(\.name) },
            values: { s in s.sizeAdopters.indices.map { TickStats.share(s.sizeAdopters[$0], s.sizeTotals[$0]) } }),
    ]

    /// Per-tick quantities after the breakdowns, in column order.
    public static let economy: [OutputQuantity] = [
        OutputQuantity(
            "critical_mass", .number, unit: "share 0..1", luaPath: "critical_mass (ticks by level)",
            "Highest critical-mass level (0.05, 0.16, 0.20, 0.50) adoption has reached so far; 0 before the first."
        ) { $0.criticalMass },
        OutputQuantity(
            "productivity_index", .number, unit: "index, 100 = no gain",
            "Index of new-quality productive forces."
        ) { $0.macro.productivityIndex },
        OutputQuantity(
            "readiness", .number, unit: "index 0..1",
            "Technology readiness: geometric mean of data, compute and algorithms."
        ) { $0.macro.readiness },
        OutputQuantity("compute_demand", .number, unit: "compute units", "Compute the adopters demand.") {
            $0.macro.computeDemand
        },
        OutputQuantity(
            "compute_served", .number, unit: "compute units",
            "Compute served after supply and the energy cap."
        ) { $0.macro.computeServed },
        OutputQuantity(
            "rationing", .number, unit: "share 0..1",
            "compute_served / compute_demand (1 = no rationing)."
        ) { $0.macro.rationing },
        OutputQuantity("energy_gwh", .number, unit: "GWh", "Energy used by AI in that tick.") { $0.macro.energy },
        OutputQuantity("emissions_t", .number, unit: "tCO2", "Emissions of that energy.") { $0.macro.emissions },
        OutputQuantity("incidents", .number, unit: "incidents", "False-content incidents in that tick.") {
            $0.macro.incidents
        },
        OutputQuantity("trust", .number, unit: "index 0..1", "Social trust in AI output.") { $0.macro.trust },
        OutputQuantity("special_fund_left", .number, unit: "yuan", "Yuan left in the special fund's pool.") {
            $0.specialFundLeft
        },
        OutputQuantity(
            "spend_tick", .number, unit: "yuan", luaPath: "spend_tick.total",
            "Public spending in that tick, all accounts."
        ) { FiscalLedger.sum($0.spendThisTick) },
        OutputQuantity(
            "spend_cumulative", .number, unit: "yuan", luaPath: "spend.total",
            "Public spending so far, all accounts."
        ) { FiscalLedger.sum($0.spendTotal) },
    ]

    /// Every per-tick quantity (not the breakdowns).
    public static var quantities: [OutputQuantity] { counts + economy }

    /// Spending per ledger account in a tick: series columns `spend_ACCOUNT`
    /// (in `ctx.stats`, `spend_tick.ACCOUNT`; cumulated, `spend.ACCOUNT`).
    public static let accountPrefix = "spend_"

    /// The fixed numeric columns of a run with these sectors, in order: every
    /// column of series.csv except `tick`, `date`, the accounts and plugin metrics.
    public static func columns(sectors: [String]) -> [OutputColumn] {
        var out = counts.map { OutputColumn(name: $0.name, kind: $0.kind, value: $0.value) }
        for b in breakdowns {
            for (i, key) in b.keys(sectors).enumerated() {
                let values = b.values
                out.append(OutputColumn(name: b.columnPrefix + key, kind: b.kind, value: { values($0)[i] }))
            }
        }
        out += economy.map { OutputColumn(name: $0.name, kind: $0.kind, value: $0.value) }
        return out
    }

    /// Names a plugin may not `ctx.record`: every fixed column, `tick` and `date`.
    public static func reservedNames(sectors: [String]) -> Set<String> {
        Set(columns(sectors: sectors).map(\.name) + ["tick", "date"])
    }
}
