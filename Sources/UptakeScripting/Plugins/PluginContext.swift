import CLua
import CLuaShims
import Foundation
import UptakeKernel

/// The `ctx` table each plugin's hooks receive. See docs/scripting.md for
/// the reference. `ctx` and everything in it is read-only to the plugin;
/// plugins act only through its functions.
extension PluginHost {
    /// Builds plugin `index`'s ctx: a raw table the host updates each tick,
    /// handed to the plugin as a read-only view.
    func buildContext(_ index: Int) throws {
        let p = plugins[index]
        lua.newTable()
        let raw = lua.top
        lua.push(.table(p.params)); try sandbox.makeReadOnly(name: "ctx.params", deep: true); lua.setField(raw, "params")
        lua.push(p.name); lua.setField(raw, "plugin")
        lua.push(p.manifest.version.description); lua.setField(raw, "version")
        let functions: [(String, (LuaState) throws -> Int32)] = [
            ("set", { [unowned self] l in try self.ctxSet(l, plugin: index) }),
            ("get", { [unowned self] l in try self.ctxGet(l) }),
            ("spend", { [unowned self] l in try self.ctxSpend(l, plugin: index) }),
            ("record", { [unowned self] l in try self.ctxRecord(l) }),
            ("log", { [unowned self] l in
                self.log(index, (1...max(1, l.top)).map { l.top >= $0 ? PluginHost.show(l.value(at: $0)) : "" }.joined(separator: "\t"))
                return 0
            }),
            ("random", { [unowned self] l in try self.random(l, plugin: index) }),
            ("emit", { [unowned self] l in try self.ctxEmit(l, plugin: index) }),
            ("between", { [unowned self] l in try self.ctxBetween(l) }),
            ("tick_of", { [unowned self] l in
                guard let s = l.value(at: 1).string, let t = self.calendar.tick(of: s) else {
                    throw ScriptCallError("tick_of expects a date like \"\(self.calendar.label(0))\"")
                }
                l.push(t); return 1
            }),
            ("add_fund", { [unowned self] l in
                guard let a = l.value(at: 1).double, a >= 0, a.isFinite else { throw ScriptCallError("add_fund expects an amount of yuan >= 0") }
                self.simulation!.addToSpecialFund(a); return 0
            }),
            ("firms", { [unowned self] l in try self.ctxFirms(l) }),
        ]
        for (name, body) in functions {
            lua.pushFunction(body)
            lua.setField(raw, name)
        }
        lua_pushvalue(lua.L, raw)
        p.ctxRawRef = sandbox.reference()
        try sandbox.makeReadOnly(name: "ctx")
        p.ctxRef = sandbox.reference()
        lua.setTop(raw - 1)
        try updateContexts(simulation!)
    }

    /// Sets tick, date and stats on every ctx (the raw tables behind the views).
    func updateContexts(_ simulation: Simulation) throws {
        let tick = max(simulation.tick, 0)
        for p in plugins where p.ctxRawRef != LUA_NOREF {
            sandbox.push(reference: p.ctxRawRef)
            lua.push(simulation.tick); lua.setField(-2, "tick")
            lua.push(calendar.label(tick)); lua.setField(-2, "date")
            sandbox.push(reference: statsRef); lua.setField(-2, "stats")
            lua.pop()
        }
    }

    /// Builds the read-only stats table once per tick; every plugin reads the same one.
    func publishStats(_ simulation: Simulation) throws {
        if statsRef != LUA_NOREF { luaL_unref(lua.L, uptake_registryindex(), statsRef) }
        lua.push(.table(StatsTable.make(simulation)))
        try sandbox.makeReadOnly(name: "ctx.stats", deep: true)
        statsRef = sandbox.reference()
    }

    func pushAdoptionBatch(_ batch: AdoptionBatch, simulation: Simulation) {
        var bySector: [String: Int] = [:], bySize: [String: Int] = [:], byCategory: [String: Int] = [:]
        let f = simulation.firms
        for i in batch.firms.map(Int.init) {
            bySector[simulation.sectors[Int(f.sector[i])].name, default: 0] += 1
            bySize[FirmSize(rawValue: f.size[i])!.name, default: 0] += 1
            byCategory[AdopterCategory(rawValue: f.category[i])!.name, default: 0] += 1
        }
        func table(_ d: [String: Int]) -> LuaValue { .table(LuaTable(fields: d.keys.sorted().map { ($0, .integer(Int64(d[$0]!))) })) }
        var t = LuaTable(fields: [("count", .integer(Int64(batch.count))), ("sector", table(bySector)),
                                  ("size", table(bySize)), ("category", table(byCategory))])
        t.set("ids", .table(LuaTable(items: batch.firms.map { .string(f.id(Int($0))) })))
        lua.push(.table(t))
    }

    // MARK: ctx functions

    func lever(_ l: LuaState, at index: Int32) throws -> Lever {
        guard let name = l.value(at: index).string else { throw ScriptCallError("the first argument must be a lever name like \"subsidy\"") }
        guard let lever = Lever(name: name) else {
            throw ScriptCallError("unknown lever '\(name)'; \(Suggestion.hint(for: name, in: Lever.allCases.map(\.rawValue)))")
        }
        return lever
    }

    func selector(_ l: LuaState, at index: Int32) throws -> SegmentSelector {
        let v = l.value(at: index)
        if v == .nil { return .all }
        guard let t = v.table else { throw ScriptCallError("a selector must be a table like { sector = \"retail\" }, not \(v.typeName)") }
        do {
            return try SelectorDecoder.decode(t, sectors: sectorNames, regions: simulation!.firms.regionNames)
        } catch let f as SelectorDecoder.Failure { throw ScriptCallError(f.description) }
    }

    func ctxSet(_ l: LuaState, plugin index: Int) throws -> Int32 {
        let lever = try lever(l, at: 1)
        guard let value = l.value(at: 2).double else {
            throw ScriptCallError("ctx.set(\"\(lever.rawValue)\", value): value must be a number (\(lever.meaning)), not \(l.value(at: 2).typeName)")
        }
        let sel = try selector(l, at: 3)
        if !lever.isFirmLevel && !sel.isAll {
            throw ScriptCallError("lever '\(lever.rawValue)' acts on the whole economy and takes no selector")
        }
        do { try simulation!.levers.set(lever, value, for: sel) } catch { throw ScriptCallError("\(error)") }
        return 0
    }

    func ctxGet(_ l: LuaState) throws -> Int32 {
        let lever = try lever(l, at: 1)
        l.push(simulation!.levers.get(lever, for: try selector(l, at: 2)))
        return 1
    }

    func ctxSpend(_ l: LuaState, plugin index: Int) throws -> Int32 {
        guard let amount = l.value(at: 1).double, amount.isFinite else { throw ScriptCallError("ctx.spend(amount, account): amount must be a number of yuan") }
        let account = l.value(at: 2).string ?? plugins[index].name
        simulation!.spend(amount, account: account)
        return 0
    }

    func ctxRecord(_ l: LuaState) throws -> Int32 {
        guard let name = l.value(at: 1).string, name.range(of: "^[A-Za-z][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
            throw ScriptCallError("ctx.record(name, value): name must be letters, digits and underscores, starting with a letter")
        }
        guard let value = l.value(at: 2).double else { throw ScriptCallError("ctx.record(\"\(name)\", value): value must be a number, not \(l.value(at: 2).typeName)") }
        if SeriesColumns.kernelColumns(for: simulation!).contains(name) {
            throw ScriptCallError("ctx.record: '\(name)' is a built-in column of series.csv; choose another name")
        }
        simulation!.record(name, value)
        return 0
    }

    func ctxEmit(_ l: LuaState, plugin index: Int) throws -> Int32 {
        guard let name = l.value(at: 1).string else { throw ScriptCallError("ctx.emit(name, payload): name must be a string") }
        lua_settop(l.L, 2)
        eventSink?(plugins[index].name, name, l.value(at: 2))
        pendingEvents.append((index, name, sandbox.reference()))
        return 0
    }

    func ctxBetween(_ l: LuaState) throws -> Int32 {
        let tick = simulation!.tick
        func bound(_ i: Int32) throws -> Int? {
            let v = l.value(at: i)
            if v == .nil { return nil }
            guard let s = v.string, let t = calendar.tick(of: s) else { throw ScriptCallError("ctx.between(from, to) takes dates like \"\(calendar.label(0))\" or nil") }
            return t
        }
        let from = try bound(1), to = try bound(2)
        l.push((from.map { tick >= $0 } ?? true) && (to.map { tick <= $0 } ?? true))
        return 1
    }
}
