import CLua
import CLuaShims
import Foundation
import UptakeKernel

/// Runs the plugins of one run inside one Lua state: loads each plugin's
/// `init.lua` into its own sandboxed environment, gives it a `ctx`, and calls
/// its hooks from the kernel's tick loop (it is the kernel's observer).
///
/// Hook order within a phase: dependency order, then by name. Every hook call
/// runs under pcall with the instruction budget; any error stops the run
/// with a `Diagnostic` naming the file, line, plugin, hook and tick.
public final class PluginHost: SimulationObserver {
    public static let hookNames = ["setup", "on_tick", "on_adoptions", "after_tick", "finish", "on_event"]

    public let lua: LuaState
    public let sandbox: LuaSandbox
    public private(set) var plugins: [LoadedPlugin] = []
    public let calendar: TickCalendar
    let runSeed: UInt64
    let sectorNames: [String]
    /// Where log lines go (stderr by default).
    public var logSink: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Sees every event a plugin emits (plugin, name, payload), e.g. for plugin tests; nil by default.
    public var eventSink: ((String, String, LuaValue) -> Void)?
    /// Told (plugin, hook, tick) before every hook call, e.g. to leave a
    /// trace a supervisor can read if the process dies; nil by default.
    public var hookObserver: ((String, String, Int) -> Void)?

    weak var simulation: Simulation?
    var statsRef: Int32 = LUA_NOREF
    var statsMetatableRef: Int32 = LUA_NOREF
    /// Old names of `ctx.stats` fields already warned about (one warning each a run).
    var statsNamesWarnedAbout: Set<String> = []
    var currentHook: (plugin: Int, hook: String)?
    /// Events waiting for delivery; `nextEvent` is the first not yet delivered
    /// (an index, not removeFirst: a long queue stays linear).
    var pendingEvents: [(from: Int, name: String, payloadRef: Int32)] = []
    var nextEvent = 0
    /// Events emitted in the current tick, against `Caps.eventsPerTick`.
    var eventsThisTick = 0
    /// Names recorded with ctx.record in this run, against `Caps.recordNames`.
    var recordedNames: Set<String> = []
    /// Names ctx.record may not use: the series' own columns (`OutputSchema.reservedNames`).
    lazy var reservedRecordNames: Set<String> = OutputSchema.reservedNames(
        sectors: simulation?.sectors.map(\.name) ?? [])
    /// Levers already warned about as unused by the scenario's rule (one warning each a run).
    var leversWarnedAbout: Set<Lever> = []

    /// Instructions' worth charged to the budget for each call of a host
    /// function that does work per firm, on top of one per firm: a loop of
    /// cheap Lua around expensive host calls still ends at the budget.
    static let callCost = 100

    /// Documented caps on what plugins can make the host keep or print
    /// (docs/security.md). Exceeding one fails the plugin that did it.
    public enum Caps {
        /// Events emitted per tick by all plugins together (handlers that
        /// re-emit forever end here).
        public static let eventsPerTick = 10_000
        /// Log lines (ctx.log and print) per plugin per run; later lines are
        /// dropped after one notice.
        public static let logLinesPerRun = 1_000
        /// Bytes of one log line; longer lines are cut.
        public static let logLineBytes = 2_000
        /// Names a run may record with ctx.record.
        public static let recordNames = 256
        /// The largest amount of yuan one call of ctx.spend or ctx.add_fund may move.
        public static let amountPerCall = 1e15
    }

    public final class LoadedPlugin {
        public let manifest: PluginManifest
        public let use: PluginUse
        public let params: LuaTable
        var envRef: Int32 = LUA_NOREF
        var hooksRef: Int32 = LUA_NOREF
        var ctxRef: Int32 = LUA_NOREF
        var ctxRawRef: Int32 = LUA_NOREF
        public internal(set) var hooks: Set<String> = []
        /// Seeds math.random; `sampleCounter` numbers the draws of firm samples and nudges.
        var randomSeed: UInt64
        var sampleCounter: UInt64 = 0
        /// What `require(name)` gave this plugin, by name.
        var modules: [String: Int32] = [:]
        /// This plugin's own module files, run once each, by path relative to its folder.
        var ownModules: [String: Int32] = [:]
        var chunkNames: [String] = []
        var logLines = 0
        /// Instructions left this tick for the plugin's on_event calls, which share one hook budget a tick.
        var eventInstructionsLeft = 0
        init(manifest: PluginManifest, use: PluginUse, params: LuaTable, randomSeed: UInt64) {
            self.manifest = manifest
            self.use = use
            self.params = params
            self.randomSeed = randomSeed
        }
        public var name: String { manifest.name }
    }

    /// Loads the plugins (already resolved and ordered) a scenario uses.
    /// `logSink`, when given, gets the log lines from the start, those that
    /// init.lua prints while it loads too.
    public init(
        lua: LuaState, sandbox: LuaSandbox, scenario: Scenario, manifests: [PluginManifest],
        hookObserver: ((String, String, Int) -> Void)? = nil, logSink: ((String) -> Void)? = nil
    ) throws {
        self.hookObserver = hookObserver
        if let logSink { self.logSink = logSink }
        self.lua = lua
        self.sandbox = sandbox
        calendar = scenario.config.calendar
        runSeed = scenario.config.seed
        sectorNames = scenario.config.population.sectors.map(\.name)
        for manifest in manifests {
            let use =
                scenario.plugins.first { $0.name == manifest.name }
                ?? PluginUse(name: manifest.name, version: nil, every: nil, params: LuaTable())
            let params = try validateParams(use, manifest: manifest, context: scenario.context)
            let seed = CounterRNG.derive(runSeed, PluginHost.stableHash(manifest.name))
            plugins.append(LoadedPlugin(manifest: manifest, use: use, params: params, randomSeed: seed))
        }
        for index in plugins.indices { try load(index) }
    }

    /// FNV-1a: a hash of a name that is the same in every process (Swift's Hasher is seeded per process).
    static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    func validateParams(_ use: PluginUse, manifest: PluginManifest, context: ValidationContext) throws -> LuaTable {
        var result = LuaTable()
        let names = manifest.params.map(\.name)
        for key in use.params.keys where !names.contains(key) {
            var d = context.diagnostic(
                path: ["plugins", use.name, key], problem: "plugin '\(use.name)' has no parameter '\(key)'")
            d.fix =
                names.isEmpty
                ? "This plugin takes no parameters"
                : Suggestion.hint(for: key, in: names + ["version", "every"]).capitalizedFirst
            d.plugin = use.name
            throw d
        }
        for spec in manifest.params {
            let given = use.params[spec.name]
            let value = given ?? spec.defaultValue
            if value == .nil { continue }
            let checked = try spec.validate(value, plugin: use.name, calendar: calendar, sectors: sectorNames) {
                problem, fix in
                if given == nil {
                    return Diagnostic(
                        file: manifest.manifestPath,
                        line: SourceLocator(
                            file: manifest.manifestPath,
                            source: (try? String(contentsOfFile: manifest.manifestPath, encoding: .utf8)) ?? ""
                        ).line(of: ["params." + spec.name]) ?? 1,
                        plugin: use.name, problem: "default of " + problem, fix: fix)
                }
                var d = context.diagnostic(path: ["plugins", use.name, spec.name], problem: problem, fix: fix)
                d.plugin = use.name
                return d
            }
            result.set(spec.name, checked)
        }
        return result
    }

    // MARK: Loading

    func displayPath(_ url: URL) -> String { PluginHost.displayPath(url) }

    /// A path relative to the working folder when inside it, else absolute: how errors name plugin files.
    public static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    private func load(_ index: Int) throws {
        let plugin = plugins[index]
        try sandbox.pushNewEnvironment(environmentHooks(for: index))
        plugin.envRef = sandbox.reference()
        let initURL = plugin.manifest.directory.appendingPathComponent("init.lua")
        guard let bytes = FileManager.default.contents(atPath: initURL.path) else {
            throw Diagnostic(
                file: displayPath(initURL), plugin: plugin.name,
                problem: "plugin '\(plugin.name)' has no readable init.lua",
                fix: "Add init.lua returning a table of hooks, e.g. return { on_tick = function(ctx) end }")
        }
        let source = String(decoding: bytes, as: UTF8.self)
        hookObserver?(plugin.name, "loading init.lua", -1)
        let chunk = displayPath(initURL)
        plugin.chunkNames.append(chunk)
        sandbox.push(reference: plugin.envRef)
        let env = lua.top
        do {
            try sandbox.loadChunk(bytes: [UInt8](bytes), chunkName: chunk, environment: env)
            try callProtected(arguments: 0, results: 1)
        } catch let e as LuaError {
            lua.setTop(env - 1)
            throw diagnostic(e, plugin: index, hook: "loading init.lua")
        }
        guard lua_type(lua.L, -1) == LUA_TTABLE else {
            let typeName = lua.scalar(at: -1).typeName
            lua.setTop(env - 1)
            throw Diagnostic(
                file: chunk, line: source.components(separatedBy: "\n").count, plugin: plugin.name,
                problem: "init.lua of plugin '\(plugin.name)' returned \(typeName) instead of a table of hooks",
                fix: "End init.lua with: return { on_tick = function(ctx) ... end }")
        }
        // Only the top level is read, raw: the table may hold anything (cycles, M.__index = M).
        let table = lua.top
        lua.pushNil()
        while lua_next(lua.L, table) != 0 {
            guard lua_type(lua.L, -2) == LUA_TSTRING else {
                lua.pop()
                continue
            }
            let key = lua.string(at: -2)
            guard PluginHost.hookNames.contains(key) || key.hasPrefix("_") else {
                lua.setTop(env - 1)
                let line = SourceLocator(file: chunk, source: source).line(of: [key])
                throw Diagnostic(
                    file: chunk, line: line ?? 1, plugin: plugin.name,
                    problem: "init.lua returns an unknown hook '\(key)'",
                    fix: Suggestion.hint(for: key, in: PluginHost.hookNames).capitalizedFirst)
            }
            if lua_type(lua.L, -1) == LUA_TFUNCTION { plugin.hooks.insert(key) }
            lua.pop()
        }
        lua.setTop(table)
        plugin.hooksRef = sandbox.reference()
        lua.setTop(env - 1)
    }

    // MARK: Per-plugin environment: random, require, print

    func environmentHooks(for index: Int) -> LuaSandbox.EnvironmentHooks {
        LuaSandbox.EnvironmentHooks(
            randomSeed: plugins[index].randomSeed,
            require: { [unowned self] lua in try self.require(lua, plugin: index) },
            print: { [unowned self] lua in
                self.log(index, lua)
                return 0
            })
    }

    /// The arguments of print or ctx.log as one line, tab-separated; tables
    /// show as "a table" (never copied).
    /// Reads no more than about `Caps.logLineBytes` of it, however long the
    /// strings or many the arguments.
    static func line(of lua: LuaState) -> String {
        var parts: [String] = []
        var bytes = 0
        for i in 1...max(1, lua.top) where bytes <= Caps.logLineBytes {
            let text: String
            if lua_type(lua.L, Int32(i)) == LUA_TSTRING {
                var length = 0
                let start = uptake_tostring(lua.L, Int32(i), &length)!
                let shown = min(length, Caps.logLineBytes + 1)
                text = String(decoding: UnsafeRawBufferPointer(start: start, count: shown), as: UTF8.self)
            } else {
                text = show(lua.scalar(at: Int32(i)))
            }
            parts.append(text)
            bytes += text.utf8.count + 1
        }
        return parts.joined(separator: "\t")
    }

    static func show(_ v: LuaValue) -> String {
        switch v {
        case .string(let s): return s
        default: return v.description
        }
    }

    /// require(name): the plugin's own modules (name.lua or name/init.lua in
    /// its folder), or a declared dependency ("dep" gives the dependency's
    /// hook table, "dep.module" a module from its folder).
    func require(_ lua: LuaState, plugin index: Int) throws -> Int32 {
        guard let name = lua.scalar(at: 1).string, !name.isEmpty else {
            throw ScriptCallError("require expects a module name string")
        }
        guard name.utf8.count <= 200 else { throw ScriptCallError("require: module name too long (over 200 bytes)") }
        let p = plugins[index]
        if let ref = p.modules[name] {
            sandbox.push(reference: ref)
            return 1
        }
        if LuaSandbox.libraryNames.contains(name) {
            // require "string" (as Lua's own test files do): the script's own library.
            sandbox.push(reference: p.envRef)
            lua.push(name)
            lua_rawget(lua.L, -2)
            lua_rotate(lua.L, -2, 1)
            lua.pop()
            return 1
        }
        var owner = index
        var relative = name
        let first = name.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? name
        if p.manifest.dependencies.contains(where: { $0.name == first }) {
            guard let dep = plugins.firstIndex(where: { $0.name == first }) else {
                throw ScriptCallError(
                    "require '\(name)': the optional dependency '\(first)' is not loaded in this run; check for it with pcall(require, \"\(first)\")"
                )
            }
            if name == first {
                // A read-only view: a plugin cannot rewrite another's hooks.
                sandbox.push(reference: plugins[dep].hooksRef)
                try sandbox.makeDeepView(name: "plugin '\(first)'")
                lua_pushvalue(lua.L, -1)
                p.modules[name] = sandbox.reference()
                return 1
            }
            owner = dep
            relative = String(name.dropFirst(first.count + 1))
        } else if first.contains("-") || plugins.contains(where: { $0.name == first }) {
            throw ScriptCallError(
                "require '\(name)': plugin '\(p.name)' may only require its own modules and its declared dependencies; add \(first) to [dependencies] in its plugin.toml"
            )
        }
        guard relative.range(of: "^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$", options: .regularExpression) != nil else {
            throw ScriptCallError(
                "require '\(name)': module names are letters, digits and underscores separated by dots")
        }
        try pushModule(relative, of: owner, requiredAs: name)
        if owner != index, lua_type(lua.L, -1) == LUA_TTABLE {
            // Another plugin's module: a read-only view, so its owner's state cannot be changed.
            try sandbox.makeDeepView(name: "module '\(name)'")
        }
        lua_pushvalue(lua.L, -1)
        p.modules[name] = sandbox.reference()
        return 1
    }

    /// Pushes module `relative` of plugin `owner`, running its file once per
    /// run (in the owner's environment) whoever requires it first; "init" is
    /// the plugin's hook table. [-0, +1]
    func pushModule(_ relative: String, of owner: Int, requiredAs name: String) throws {
        let plugin = plugins[owner]
        if let ref = plugin.ownModules[relative] {
            sandbox.push(reference: ref)
            return
        }
        if relative == "init" {
            guard plugin.hooksRef != LUA_NOREF else {
                throw ScriptCallError(
                    "require '\(name)': init.lua of '\(plugin.name)' is still loading (a require cycle)")
            }
            sandbox.push(reference: plugin.hooksRef)
            return
        }
        let dir = plugin.manifest.directory
        let base = relative.replacingOccurrences(of: ".", with: "/")
        let candidates = [dir.appendingPathComponent(base + ".lua"), dir.appendingPathComponent(base + "/init.lua")]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
            let bytes = FileManager.default.contents(atPath: url.path)
        else {
            throw ScriptCallError("require '\(name)': no module \(base).lua or \(base)/init.lua in \(displayPath(dir))")
        }
        let chunk = displayPath(url)
        plugin.chunkNames.append(chunk)
        sandbox.push(reference: plugin.envRef)
        let env = lua.top
        do {
            try sandbox.loadChunk(bytes: [UInt8](bytes), chunkName: chunk, environment: env)
            try lua.call(arguments: 0, results: 1)
        } catch let e as LuaError {
            lua.setTop(env - 1)
            throw ScriptCallError("require '\(name)' failed: \(e)")
        }
        if lua_type(lua.L, -1) == LUA_TNIL {
            lua.pop()
            lua.push(true)
        }
        lua_pushvalue(lua.L, -1)
        plugin.ownModules[relative] = sandbox.reference()
        lua_rotate(lua.L, env, -1)  // drop the environment below the result
        lua.pop()
    }

    /// Prints the arguments of print or ctx.log as a plugin's log line,
    /// within `Caps.logLinesPerRun` (past it, nothing is even read) and
    /// `Caps.logLineBytes`.
    func log(_ index: Int, _ lua: LuaState) {
        let p = plugins[index]
        p.logLines += 1
        guard p.logLines <= Caps.logLinesPerRun else { return }
        log(index, PluginHost.line(of: lua))
    }

    func log(_ index: Int, _ message: String) {
        let p = plugins[index]
        let when = simulation.map { $0.tick >= 0 ? "tick \($0.tick) \(calendar.label($0.tick))" : "setup" } ?? "load"
        var text = message
        if text.utf8.count > Caps.logLineBytes {
            text =
                String(decoding: text.utf8.prefix(Caps.logLineBytes), as: UTF8.self)
                + " ... (line cut at \(Caps.logLineBytes) bytes)"
        }
        if p.logLines == Caps.logLinesPerRun {
            text += " (log cap of \(Caps.logLinesPerRun) lines reached: later lines of '\(p.name)' are not shown)"
        }
        logSink("[\(when)] \(p.name): \(text)")
    }

    // MARK: Errors

    /// Turns a Lua error from a hook into a one-line diagnostic.
    func diagnostic(_ e: LuaError, plugin index: Int, hook: String) -> Diagnostic {
        let p = plugins[index]
        let file = e.file(resolvingAgainst: plugins.flatMap(\.chunkNames))
        let tick = simulation.flatMap { $0.tick >= 0 ? $0.tick : nil }
        let fix: String
        switch e.kind {
        case .instructionBudget:
            fix =
                "The hook ran too long (an endless loop?). Make it do less per tick, or raise limits.instructions in the scenario or --max-instructions"
        case .wallClock:
            fix =
                "The run took longer than its wall-clock limit. Make the plugin do less, or raise limits.seconds in the scenario or --max-seconds"
        case .memory:
            fix =
                "The plugin used more memory than the cap. Keep less data in Lua, or raise limits.memory_mb in the scenario or --max-memory"
        case .syntax:
            fix = "Fix the Lua syntax at that line"
        default:
            fix = "Fix the plugin's code at that line, or remove '\(p.name)' from the scenario's plugins"
        }
        return Diagnostic(
            file: file ?? displayPath(p.manifest.directory.appendingPathComponent("init.lua")), line: e.line,
            plugin: p.name, hook: hook, tick: tick, date: tick.map { calendar.label($0) },
            problem: e.message.isEmpty ? "\(e.kind.rawValue) error" : e.message, fix: fix)
    }

    // MARK: Hooks

    /// Calls into Lua, then makes sure the call left the host its reserve:
    /// a plugin that fills the state and keeps it fails itself, instead of
    /// the next plugin (or the host) meeting a full state.
    func callProtected(arguments: Int32, results: Int32) throws {
        try lua.call(arguments: arguments, results: results)
        if lua.isOverHostReserve {
            let mib = { (bytes: Int) in String(format: "%.1f", Double(bytes) / 1_048_576) }
            throw LuaError(
                kind: .memory,
                message:
                    "the plugin holds \(mib(lua.memoryInUse)) MiB of Lua memory after the call, more than the memory cap of \(mib(lua.limits.memoryBytes)) MiB minus the \(mib(lua.hostReserve)) MiB kept for the host",
                file: nil, line: nil)
        }
    }

    /// Calls `hook` of every plugin that has it, with ctx and `extra` arguments pushed by `pushArgs`.
    func callHook(_ hook: String, where include: (LoadedPlugin) -> Bool = { _ in true }, pushArgs: (() -> Int32)? = nil)
        throws
    {
        for (index, p) in plugins.enumerated() where p.hooks.contains(hook) && include(p) {
            try callHook(hook, plugin: index, pushArgs: pushArgs)
            try deliverEvents()
        }
    }

    func callHook(_ hook: String, plugin index: Int, pushArgs: (() -> Int32)?) throws {
        let p = plugins[index]
        let base = lua.top
        sandbox.push(reference: p.hooksRef)
        lua.push(hook)
        lua_rawget(lua.L, -2)  // raw: the hook table's metatable is the plugin's
        sandbox.push(reference: p.ctxRef)
        let extra = pushArgs?() ?? 0
        currentHook = (index, hook)
        hookObserver?(p.name, hook, simulation?.tick ?? -1)
        defer {
            currentHook = nil
            lua.setTop(base)
        }
        do {
            try callProtected(arguments: 1 + extra, results: 0)
        } catch let e as LuaError {
            throw diagnostic(e, plugin: index, hook: hook)
        }
    }

    /// Delivers queued events in order to every other plugin's on_event;
    /// events emitted meanwhile join the end of the queue.
    func deliverEvents() throws {
        while nextEvent < pendingEvents.count {
            let event = pendingEvents[nextEvent]
            nextEvent += 1
            defer { luaL_unref(lua.L, uptake_registryindex(), event.payloadRef) }
            for (index, p) in plugins.enumerated() where index != event.from && p.hooks.contains("on_event") {
                // All of a plugin's on_event calls in a tick share one budget: otherwise 10,000 events
                // a tick would give it 10,000 budgets (an amplification fuzzing found).
                lua.limitNextCall(toInstructions: p.eventInstructionsLeft)
                defer { p.eventInstructionsLeft = lua.instructionsLeft }
                try callHook("on_event", plugin: index) {
                    self.lua.push(event.name)
                    self.sandbox.push(reference: event.payloadRef)
                    return 2
                }
            }
        }
        pendingEvents.removeAll(keepingCapacity: true)
        nextEvent = 0
    }

    public func simulationDidSetUp(_ simulation: Simulation) throws {
        self.simulation = simulation
        for p in plugins { p.eventInstructionsLeft = lua.limits.instructions }
        try publishStats(simulation)
        for index in plugins.indices { try buildContext(index) }
        try callHook("setup")
        simulation.refreshStats()
    }

    public func simulationWillStep(_ simulation: Simulation) throws {
        eventsThisTick = 0
        for p in plugins { p.eventInstructionsLeft = lua.limits.instructions }
        try updateContexts(simulation)
        try callHook("on_tick", where: { p in (simulation.tick % (p.use.every ?? 1)) == 0 })
    }

    public func simulationDidStep(_ simulation: Simulation, adoptions: AdoptionBatch) throws {
        try publishStats(simulation)
        try updateContexts(simulation)
        if plugins.contains(where: { $0.hooks.contains("on_adoptions") }) {
            try callHook(
                "on_adoptions",
                pushArgs: {
                    self.pushAdoptionBatch(adoptions, simulation: simulation)
                    return 1
                })
        }
        try callHook("after_tick")
    }

    public func simulationDidFinish(_ simulation: Simulation) throws {
        try callHook("finish")
    }
}
