import UptakeKernel

/// `ctx.stats`: the kernel's aggregates of the last tick as a Lua table.
enum StatsTable {
    static func make(_ sim: Simulation) -> LuaTable { make(sim.stats, simulation: sim) }

    /// The table of one tick of `sim.history` (or the current one): critical
    /// mass lists only the levels reached by that tick.
    static func make(_ s: TickStats, simulation sim: Simulation) -> LuaTable {
        func counts(_ names: [String], _ values: [Int]) -> LuaValue {
            .table(LuaTable(fields: zip(names, values).map { ($0, .integer(Int64($1))) }.sorted { $0.0 < $1.0 }))
        }
        func shares(_ names: [String], _ a: [Int], _ t: [Int]) -> LuaValue {
            .table(LuaTable(fields: names.indices.map { (names[$0], .number(TickStats.share(a[$0], t[$0]))) }.sorted { $0.0 < $1.0 }))
        }
        func money(_ d: [String: Double]) -> LuaValue {
            var fields = d.keys.sorted().map { ($0, LuaValue.number(d[$0]!)) }
            fields.append(("total", .number(FiscalLedger.sum(d))))
            return .table(LuaTable(fields: fields.sorted { $0.0 < $1.0 }))
        }
        let m = s.macro
        var critical: [(String, LuaValue)] = []
        for level in Simulation.criticalMassLevels {
            if let t = sim.criticalMassTicks[level], t <= s.tick { critical.append(("p\(Int((level * 100).rounded()))", .integer(Int64(t)))) }
        }
        var t = LuaTable()
        let fields: [(String, LuaValue)] = [
            ("tick", .integer(Int64(s.tick))),
            ("firms", .integer(Int64(s.firmCount))),
            ("adopters", .integer(Int64(s.adopters))),
            ("adoption", .number(s.adoption)),
            ("new_adopters", .integer(Int64(s.newAdopters))),
            ("stage", counts(Stage.allCases.map(\.name), s.stageCounts)),
            ("category", shares(AdopterCategory.allCases.map(\.name), s.categoryAdopters, s.categoryTotals)),
            ("sector", shares(sim.sectors.map(\.name), s.sectorAdopters, s.sectorTotals)),
            ("size", shares(FirmSize.allCases.map(\.name), s.sizeAdopters, s.sizeTotals)),
            ("productivity", .number(m.productivityIndex)),
            ("readiness", .number(m.readiness)),
            ("compute_demand", .number(m.computeDemand)),
            ("compute_served", .number(m.computeServed)),
            ("rationing", .number(m.rationing)),
            ("energy", .number(m.energy)),
            ("emissions", .number(m.emissions)),
            ("incidents", .number(m.incidents)),
            ("trust", .number(m.trust)),
            ("spend", money(s.spendTotal)),
            ("spend_tick", money(s.spendThisTick)),
            ("fund_left", .number(s.specialFundLeft)),
            ("critical_mass", .table(LuaTable(fields: critical))),
        ]
        t.fields = fields.sorted { $0.0 < $1.0 }
        return t
    }
}
