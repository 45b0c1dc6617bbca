import UptakeKernel

/// `ctx.stats`: the kernel's aggregates of the last tick as a Lua table,
/// named by `OutputSchema` (the names of series.csv's columns), plus the
/// tables by ledger account and the ticks of critical mass.
enum StatsTable {
    static func make(_ sim: Simulation) -> LuaTable { make(sim.stats, simulation: sim) }

    /// Names `ctx.stats` had before Lua API 1.1 and the names that replaced
    /// them (one name per quantity, the series column's). Reading an old name
    /// still works and warns once a run (`PluginHost.statsAliasIndex`).
    static let renamed: [String: String] = [
        "productivity": "productivity_index",
        "energy": "energy_gwh",
        "emissions": "emissions_t",
        "fund_left": "special_fund_left",
    ]

    /// The fields that are not per-tick quantities of the schema: tables
    /// keyed by ledger account or by critical-mass level.
    static let extraFields: [(name: String, type: String, doc: String)] = [
        ("tick", "integer", "The tick these aggregates describe."),
        (
            "spend", "table<string, number>",
            "Public spending so far by ledger account, plus `total` (series column `spend_cumulative`)."
        ),
        (
            "spend_tick", "table<string, number>",
            "Public spending in that tick by ledger account (series columns `spend_ACCOUNT`), plus `total` (series column `spend_tick`)."
        ),
        (
            "critical_mass", "table<string, integer>",
            "Tick at which adoption first reached 5, 16, 20, 50 %: keys p5, p16, p20, p50 (absent until reached). "
                + "The series column `critical_mass` is the highest level reached."
        ),
    ]

    /// The table of one tick of `sim.history` (or the current one): critical
    /// mass lists only the levels reached by that tick.
    static func make(_ s: TickStats, simulation sim: Simulation) -> LuaTable {
        func money(_ d: [String: Double]) -> LuaValue {
            var fields = d.keys.sorted().map { ($0, LuaValue.number(d[$0]!)) }
            fields.append(("total", .number(FiscalLedger.sum(d))))
            return .table(LuaTable(fields: fields.sorted { $0.0 < $1.0 }))
        }
        func value(_ x: Double, _ kind: OutputQuantity.Kind) -> LuaValue {
            kind == .count ? .integer(Int64(x)) : .number(x)
        }
        var critical: [(String, LuaValue)] = []
        for level in Simulation.criticalMassLevels {
            if let t = sim.criticalMassTicks[level], t <= s.tick {
                critical.append(("p\(Int((level * 100).rounded()))", .integer(Int64(t))))
            }
        }
        var fields: [(String, LuaValue)] = [
            ("tick", .integer(Int64(s.tick))),
            ("spend", money(s.spendTotal)),
            ("spend_tick", money(s.spendThisTick)),
            ("critical_mass", .table(LuaTable(fields: critical))),
        ]
        for q in OutputSchema.quantities where q.luaPath == nil { fields.append((q.name, value(q.value(s), q.kind))) }
        let sectors = sim.sectors.map(\.name)
        for b in OutputSchema.breakdowns {
            let entries = zip(b.keys(sectors), b.values(s)).map { ($0, value($1, b.kind)) }.sorted { $0.0 < $1.0 }
            fields.append((b.name, .table(LuaTable(fields: entries))))
        }
        var t = LuaTable()
        t.fields = fields.sorted { $0.0 < $1.0 }
        return t
    }
}
