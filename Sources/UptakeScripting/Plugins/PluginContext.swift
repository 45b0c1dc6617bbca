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
        lua.push(.table(p.params))
        try sandbox.makeReadOnly(name: "ctx.params", deep: true)
        lua.setField(raw, "params")
        lua.push(p.name)
        lua.setField(raw, "plugin")
        lua.push(p.manifest.version.description)
        lua.setField(raw, "version")
        let functions: [(String, (LuaState) throws -> Int32)] = [
            ("set", { [unowned self] l in try self.ctxSet(l, plugin: index) }),
            ("get", { [unowned self] l in try self.ctxGet(l) }),
            ("spend", { [unowned self] l in try self.ctxSpend(l, plugin: index) }),
            ("record", { [unowned self] l in try self.ctxRecord(l) }),
            (
                "log",
                { [unowned self] l in
                    self.log(index, l)
                    return 0
                }
            ),
            ("emit", { [unowned self] l in try self.ctxEmit(l, plugin: index) }),
            ("between", { [unowned self] l in try self.ctxBetween(l) }),
            (
                "tick_of",
                { [unowned self] l in
                    guard let s = l.scalar(at: 1).string, let t = self.calendar.tick(of: s) else {
                        throw ScriptCallError("tick_of expects a date like \"\(self.calendar.label(0))\"")
                    }
                    l.push(t)
                    return 1
                }
            ),
            (
                "add_fund",
                { [unowned self] l in
                    let a = try PluginHost.amount(l, at: 1, call: "ctx.add_fund(amount)")
                    guard a >= 0 else {
                        throw ScriptCallError("ctx.add_fund(amount): amount must be >= 0 yuan, not \(a)")
                    }
                    self.simulation!.addToSpecialFund(a)
                    return 0
                }
            ),
            ("firms", { [unowned self] l in try self.ctxFirms(l) }),
        ]
        for (name, body) in functions {
            lua.pushFunction(body)
            lua.setField(raw, name)
        }
        // ctx.random is the plugin's math.random: one stream, Lua 5.4's semantics.
        sandbox.push(reference: p.envRef)
        lua.push("math")
        lua_rawget(lua.L, -2)
        _ = lua_getfield(lua.L, -1, "random")  // through the read-only view's __index table: no script runs
        lua.setField(raw, "random")
        lua.pop(2)
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
            lua.push(simulation.tick)
            lua.setField(-2, "tick")
            lua.push(calendar.label(tick))
            lua.setField(-2, "date")
            sandbox.push(reference: statsRef)
            lua.setField(-2, "stats")
            lua.pop()
        }
    }

    /// Builds the read-only stats table once per tick; every plugin reads the same one.
    /// Without plugins nobody reads it: a run of a scenario without plugins
    /// (a batch sweep of the rule's parameters) spent more on this table than
    /// on its 2,000 firms' step.
    func publishStats(_ simulation: Simulation) throws {
        guard !plugins.isEmpty else { return }
        if statsRef != LUA_NOREF { luaL_unref(lua.L, uptake_registryindex(), statsRef) }
        lua.push(.table(StatsTable.make(simulation)))
        pushStatsMetatable()
        lua_setmetatable(lua.L, -2)
        try sandbox.makeReadOnly(name: "ctx.stats", deep: true)
        statsRef = sandbox.reference()
    }

    /// The metatable of the stats table behind the read-only view: its
    /// `__index` answers the names of `StatsTable.renamed`. Made once a run.
    private func pushStatsMetatable() {
        if statsMetatableRef == LUA_NOREF {
            lua.newTable()
            lua.pushFunction { [unowned self] l in self.statsAliasIndex(l) }
            lua.setField(-2, "__index")
            statsMetatableRef = sandbox.reference()
        }
        sandbox.push(reference: statsMetatableRef)
    }

    /// `__index(stats, key)`: an old name reads its new field and warns once a
    /// run, with the file and line that read it; any other missing key is nil.
    func statsAliasIndex(_ l: LuaState) -> Int32 {
        guard let key = l.scalar(at: 2).string, let new = StatsTable.renamed[key] else {
            lua_pushnil(l.L)
            return 1
        }
        if statsNamesWarnedAbout.insert(key).inserted, let plugin = currentHook?.plugin {
            luaL_where(l.L, 1)
            let place = l.scalar(at: -1).string ?? ""
            lua_settop(l.L, -2)
            log(
                plugin,
                "warning: \(place) ctx.stats.\(key) is now ctx.stats.\(new), the name of its series.csv column; "
                    + "the old name still works in Lua API 1 and goes in API 2")
        }
        l.push(new)
        lua_rawget(l.L, 1)
        return 1
    }

    func pushAdoptionBatch(_ batch: AdoptionBatch, simulation: Simulation) {
        var bySector: [String: Int] = [:], bySize: [String: Int] = [:], byCategory: [String: Int] = [:]
        let f = simulation.firms
        for i in batch.firms.map(Int.init) {
            bySector[simulation.sectors[Int(f.sector[i])].name, default: 0] += 1
            bySize[FirmSize(rawValue: f.size[i])!.name, default: 0] += 1
            byCategory[AdopterCategory(rawValue: f.category[i])!.name, default: 0] += 1
        }
        func table(_ d: [String: Int]) -> LuaValue {
            .table(LuaTable(fields: d.keys.sorted().map { ($0, .integer(Int64(d[$0]!))) }))
        }
        var t = LuaTable(fields: [
            ("count", .integer(Int64(batch.count))), ("sector", table(bySector)),
            ("size", table(bySize)), ("category", table(byCategory)),
        ])
        t.set("ids", .table(LuaTable(items: batch.firms.map { .string(f.id(Int($0))) })))
        lua.push(.table(t))
    }

    // MARK: ctx functions

    /// A sum of yuan passed by a plugin: a finite number within `Caps.amountPerCall`,
    /// so no sum the host keeps can become infinite.
    static func amount(_ l: LuaState, at index: Int32, call: String) throws -> Double {
        guard let a = l.scalar(at: index).double else {
            throw ScriptCallError("\(call): amount must be a number of yuan, not \(l.scalar(at: index).typeName)")
        }
        guard a.isFinite, abs(a) <= Caps.amountPerCall else {
            throw ScriptCallError("\(call): amount \(a) is out of range; one call may move at most 1e15 yuan")
        }
        return a
    }

    /// A whole number passed by a plugin, within `range`: never NaN, an
    /// infinity or a float too large for an integer (which would trap).
    static func wholeNumber(_ l: LuaState, at index: Int32, in range: ClosedRange<Int64>, call: String) throws -> Int64
    {
        let v = l.scalar(at: index)
        let n: Int64
        switch v {
        case .integer(let i): n = i
        case .number(let d):
            guard d.isFinite, d == d.rounded(), d >= -0x1p63, d < 0x1p63 else {
                throw ScriptCallError("\(call): expected a whole number, got \(d)")
            }
            n = Int64(d)
        default:
            throw ScriptCallError("\(call): expected a whole number, not \(v.typeName)")
        }
        guard range.contains(n) else {
            throw ScriptCallError("\(call): \(n) is out of range (\(range.lowerBound) to \(range.upperBound))")
        }
        return n
    }

    func lever(_ l: LuaState, at index: Int32) throws -> Lever {
        guard let name = l.scalar(at: index).string else {
            throw ScriptCallError("the first argument must be a lever name like \"subsidy\"")
        }
        guard let lever = Lever(name: name) else {
            throw ScriptCallError(
                "unknown lever '\(name.prefix(60))'; \(Suggestion.hint(for: String(name.prefix(60)), in: Lever.allCases.map(\.rawValue)))"
            )
        }
        return lever
    }

    func selector(_ l: LuaState, at index: Int32) throws -> SegmentSelector {
        let v = try l.value(at: index)
        if v == .nil { return .all }
        guard let t = v.table else {
            throw ScriptCallError("a selector must be a table like { sector = \"retail\" }, not \(v.typeName)")
        }
        do {
            return try SelectorDecoder.decode(t, sectors: sectorNames, regions: simulation!.firms.regionNames)
        } catch let f as SelectorDecoder.Failure { throw ScriptCallError(f.description) }
    }

    func ctxSet(_ l: LuaState, plugin index: Int) throws -> Int32 {
        let lever = try lever(l, at: 1)
        guard let value = l.scalar(at: 2).double else {
            throw ScriptCallError(
                "ctx.set(\"\(lever.rawValue)\", value): value must be a number (\(lever.meaning)), not \(l.scalar(at: 2).typeName)"
            )
        }
        let sel = try selector(l, at: 3)
        if !lever.isFirmLevel && !sel.isAll {
            throw ScriptCallError("lever '\(lever.rawValue)' acts on the whole economy and takes no selector")
        }
        do { try simulation!.levers.set(lever, value, for: sel) } catch { throw ScriptCallError("\(error)") }
        warnIfRuleIgnores(lever, plugin: index)
        return 0
    }

    /// Says once per run and lever, the first time a plugin sets it, that
    /// the scenario's rule does not let it change adoption (`ModelSpec.use(of:)`).
    /// It goes to `logSink` with the plugins' log lines, so `--quiet` silences it.
    func warnIfRuleIgnores(_ lever: Lever, plugin index: Int) {
        let model = simulation!.config.model
        guard !leversWarnedAbout.contains(lever) else { return }
        guard let text = PluginHost.leverWarning(lever, rule: model, plugin: plugins[index].name) else { return }
        leversWarnedAbout.insert(lever)
        logSink(text)
    }

    /// The warning for a lever the rule does not use, nil for one it uses.
    public static func leverWarning(_ lever: Lever, rule model: ModelSpec, plugin: String) -> String? {
        let fix = "use model.rule = 'rogers' for policy levers"
        let who = "lever '\(lever.rawValue)' (set by plugin '\(plugin)')"
        switch model.use(of: lever) {
        case .used:
            return nil
        case .ignored:
            return
                "warning: model.rule = '\(model.name)' ignores \(who): it changes nothing and the kernel books nothing for it; \(fix)"
        case .macroOnly:
            return
                "warning: under model.rule = '\(model.name)' adoption does not respond to \(who): it only moves the macro state; \(fix)"
        }
    }

    func ctxGet(_ l: LuaState) throws -> Int32 {
        let lever = try lever(l, at: 1)
        l.push(simulation!.levers.get(lever, for: try selector(l, at: 2)))
        return 1
    }

    func ctxSpend(_ l: LuaState, plugin index: Int) throws -> Int32 {
        let amount = try PluginHost.amount(l, at: 1, call: "ctx.spend(amount, account)")
        var account = plugins[index].name
        if let given = l.scalar(at: 2).string {
            guard !given.isEmpty, given.utf8.count <= 64 else {
                throw ScriptCallError("ctx.spend(amount, account): account must be a name of 1 to 64 characters")
            }
            account = given
        }
        simulation!.spend(amount, account: account)
        return 0
    }

    func ctxRecord(_ l: LuaState) throws -> Int32 {
        guard let name = l.scalar(at: 1).string, name.utf8.count <= 64,
            name.range(of: "^[A-Za-z][A-Za-z0-9_]*$", options: .regularExpression) != nil
        else {
            throw ScriptCallError(
                "ctx.record(name, value): name must be 1 to 64 letters, digits and underscores, starting with a letter")
        }
        guard let value = l.scalar(at: 2).double else {
            throw ScriptCallError(
                "ctx.record(\"\(name)\", value): value must be a number, not \(l.scalar(at: 2).typeName)")
        }
        guard value.isFinite else {
            throw ScriptCallError("ctx.record(\"\(name)\", value): value must be a finite number, not \(value)")
        }
        if !recordedNames.contains(name) {
            if reservedRecordNames.contains(name) {
                throw ScriptCallError("ctx.record: '\(name)' is a built-in column of series.csv; choose another name")
            }
            if name.hasPrefix(OutputSchema.accountPrefix) {
                throw ScriptCallError(
                    "ctx.record: names starting with '\(OutputSchema.accountPrefix)' are the ledger's account "
                        + "columns (ctx.spend books those); choose another name")
            }
            recordedNames.insert(name)
            guard recordedNames.count <= Caps.recordNames else {
                throw ScriptCallError(
                    "ctx.record: more than \(Caps.recordNames) different names recorded in one run; record fewer series"
                )
            }
        }
        simulation!.record(name, value)
        return 0
    }

    func ctxEmit(_ l: LuaState, plugin index: Int) throws -> Int32 {
        guard let name = l.scalar(at: 1).string, !name.isEmpty, name.utf8.count <= 64 else {
            throw ScriptCallError("ctx.emit(name, payload): name must be a string of 1 to 64 characters")
        }
        eventsThisTick += 1
        guard eventsThisTick <= Caps.eventsPerTick else {
            throw ScriptCallError(
                "ctx.emit: more than \(Caps.eventsPerTick) events in one tick (does an on_event handler emit again for every event it gets?)"
            )
        }
        lua_settop(l.L, 2)
        if let sink = eventSink { sink(plugins[index].name, name, try l.value(at: 2)) }
        pendingEvents.append((index, name, sandbox.reference()))
        return 0
    }

    func ctxBetween(_ l: LuaState) throws -> Int32 {
        let tick = simulation!.tick
        func bound(_ i: Int32) throws -> Int? {
            let v = l.scalar(at: i)
            if v == .nil { return nil }
            guard let s = v.string, let t = calendar.tick(of: s) else {
                throw ScriptCallError("ctx.between(from, to) takes dates like \"\(calendar.label(0))\" or nil")
            }
            return t
        }
        let from = try bound(1), to = try bound(2)
        l.push((from.map { tick >= $0 } ?? true) && (to.map { tick <= $0 } ?? true))
        return 1
    }
}
