import CLua
import CLuaShims
import Foundation
import UptakeKernel

/// `t.run{ ... }` of the Lua test API: runs a small scenario, written like a
/// scenario file's table, in a Lua state of its own (so a test cannot reach
/// the plugins' globals, nor they the test's), and records what a test needs
/// to check: every tick's stats, the metrics plugins recorded, what every
/// lever was set to in each tick, the events plugins emitted and their log.
///
///     local r = t.run{ ticks = 8, plugins = { { "tax-relief", rate = 0.5 } } }
///     t.expect(r.lever("tax_relief", 3, { sector = "retail" })):equals(0.5)
final class TestScenarioRun: SimulationObserver {
    /// What a test run uses unless the test says otherwise: small and quick.
    static let defaultFirms = 500
    static let defaultTicks = 8

    let session: RunSession
    private(set) var firmLevers: [[Lever: [Double]]] = []  // per tick: each firm's value
    private(set) var systemLevers: [[Lever: Double]] = []
    private(set) var stages: [[UInt8]] = []  // per tick, before the step (what stage selectors matched)
    private(set) var events: [LuaValue] = []
    private(set) var log: [String] = []

    /// Validates `table` as a scenario (errors point at `file`) and prepares the run.
    init(table: LuaTable, file: String, source: String, searchPath: PluginSearchPath) throws {
        var table = table
        if table["firms"] == nil { table.set("firms", .integer(Int64(Self.defaultFirms))) }
        if table["ticks"] == nil { table.set("ticks", .integer(Int64(Self.defaultTicks))) }
        let context = ValidationContext(locator: SourceLocator(file: file, source: source))
        let scenario = try ScenarioDecoder.decode(table, file: file, context: context)
        let lua = try LuaState(limits: scenario.limits)
        session = try RunSession(
            scenario: scenario, lua: lua, sandbox: try LuaSandbox(lua: lua),
            // Tests exercise the code being written, which the lockfile has not pinned yet.
            options: .init(searchPath: searchPath, ignoreLock: true))
        session.host.logSink = { [unowned self] line in self.log.append(line) }
        session.host.eventSink = { [unowned self] plugin, name, payload in
            let tick = max(self.session.simulation.tick, 0)
            self.events.append(
                .table(
                    LuaTable(fields: [
                        ("date", .string(self.session.simulation.calendar.label(tick))), ("name", .string(name)),
                        ("payload", payload), ("plugin", .string(plugin)),
                        ("tick", .integer(Int64(self.session.simulation.tick))),
                    ])))
        }
    }

    func run() throws { try session.simulation.run(observer: self) }

    // MARK: Observing (the plugin host does the work; this only takes notes)

    func simulationDidSetUp(_ simulation: Simulation) throws { try session.host.simulationDidSetUp(simulation) }

    func simulationWillStep(_ simulation: Simulation) throws {
        try session.host.simulationWillStep(simulation)
        // After the policy phase: these are the values this tick's step acts on.
        var firm: [Lever: [Double]] = [:], system: [Lever: Double] = [:]
        for lever in Lever.allCases {
            if lever.isFirmLevel {
                firm[lever] = simulation.levers.resolve(lever, firms: simulation.firms)
            } else {
                system[lever] = simulation.levers.systemValue(lever)
            }
        }
        firmLevers.append(firm)
        systemLevers.append(system)
        stages.append(simulation.firms.stage)
    }

    func simulationDidStep(_ simulation: Simulation, adoptions: AdoptionBatch) throws {
        try session.host.simulationDidStep(simulation, adoptions: adoptions)
    }

    func simulationDidFinish(_ simulation: Simulation) throws { try session.host.simulationDidFinish(simulation) }

    // MARK: The result, as the test sees it

    /// The value of `lever` in `tick`: economy-wide levers their value, firm
    /// levers the mean over the firms `selector` picks (all firms if nil).
    func leverValue(_ name: String, tick: Int, selector: LuaValue) throws -> Double {
        guard let lever = Lever(name: name) else {
            throw ScriptCallError(
                "r.lever: unknown lever '\(name)'; \(Suggestion.hint(for: name, in: Lever.allCases.map(\.rawValue)))")
        }
        guard firmLevers.indices.contains(tick) else {
            throw ScriptCallError("r.lever: tick \(tick) was not run; ticks go from 0 to \(firmLevers.count - 1)")
        }
        guard lever.isFirmLevel else {
            if selector != .nil {
                throw ScriptCallError("r.lever: '\(name)' acts on the whole economy and takes no selector")
            }
            return systemLevers[tick][lever]!
        }
        var chosen = SegmentSelector.all
        if let t = selector.table {
            let sim = session.simulation
            do {
                chosen = try SelectorDecoder.decode(t, sectors: sim.sectors.map(\.name), regions: sim.firms.regionNames)
            } catch let f as SelectorDecoder.Failure {
                throw ScriptCallError("r.lever: \(f.description)")
            }
        } else if selector != .nil {
            throw ScriptCallError(
                "r.lever: the selector must be a table like { sector = \"retail\" }, not \(selector.typeName)")
        }
        var firms = session.simulation.firms
        firms.stage = stages[tick]
        let values = firmLevers[tick][lever]!
        var sum = 0.0, count = 0, first: Double? = nil, uniform = true
        for i in 0..<firms.count where chosen.matches(firms, i) {
            sum += values[i]
            count += 1
            if let f = first { uniform = uniform && values[i] == f } else { first = values[i] }
        }
        // One value for the whole segment is returned exactly (a mean would add rounding noise).
        if uniform, let first { return first }
        guard count > 0 else {
            throw ScriptCallError(
                "r.lever: no firm of the test run matches \(selector.table.map { LuaValue.table($0) } ?? selector); use more firms or a wider selector"
            )
        }
        return sum / Double(count)
    }

    /// Pushes the result table. [-0, +1]
    ///
    ///     r.ticks, r.dates[k], r.stats[k], r.final, r.metrics[k], r.spend,
    ///     r.events, r.log, r.lever(name, tick, selector)      (k = tick, from 0)
    func pushResult(into lua: LuaState) {
        let sim = session.simulation
        lua.newTable()
        let result = lua.top
        lua.push(sim.history.count)
        lua.setField(result, "ticks")
        func pushPerTick(_ field: String, _ value: (Int) -> LuaValue) {
            lua.newTable()
            for k in sim.history.indices {
                lua.push(value(k))
                lua_rawseti(lua.L, -2, lua_Integer(k))
            }
            lua.setField(result, field)
        }
        pushPerTick("dates") { .string(sim.calendar.label($0)) }
        pushPerTick("stats") { .table(StatsTable.make(sim.history[$0], simulation: sim)) }
        pushPerTick("metrics") { k in
            .table(LuaTable(fields: sim.metrics[k].keys.sorted().map { ($0, .number(sim.metrics[k][$0]!)) }))
        }
        lua.push(.table(StatsTable.make(sim)))
        lua.setField(result, "final")
        lua.push(StatsTable.make(sim)["spend"] ?? .nil)
        lua.setField(result, "spend")
        lua.push(.table(LuaTable(items: events)))
        lua.setField(result, "events")
        lua.push(.table(LuaTable(items: log.map { .string($0) })))
        lua.setField(result, "log")
        lua.pushFunction { [self] l in
            // Accept r.lever(...) and r:lever(...) alike.
            let shift: Int32 = lua_type(l.L, 1) == LUA_TTABLE ? 1 : 0
            guard let name = l.scalar(at: 1 + shift).string else {
                throw ScriptCallError("r.lever(name, tick, selector): name must be a lever name like \"subsidy\"")
            }
            guard let tick = l.scalar(at: 2 + shift).double, tick.isFinite, tick == tick.rounded(), abs(tick) < 1e9
            else {
                throw ScriptCallError(
                    "r.lever(\"\(name)\", tick, selector): tick must be a whole number (0 is the first tick)")
            }
            l.push(try leverValue(name, tick: Int(tick), selector: try l.value(at: 3 + shift)))
            return 1
        }
        lua.setField(result, "lever")
    }
}
