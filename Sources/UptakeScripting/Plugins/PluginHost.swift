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

    weak var simulation: Simulation?
    var statsRef: Int32 = LUA_NOREF
    var currentHook: (plugin: Int, hook: String)?
    var pendingEvents: [(from: Int, name: String, payloadRef: Int32)] = []

    public final class LoadedPlugin {
        public let manifest: PluginManifest
        public let use: PluginUse
        public let params: LuaTable
        var envRef: Int32 = LUA_NOREF
        var hooksRef: Int32 = LUA_NOREF
        var ctxRef: Int32 = LUA_NOREF
        var ctxRawRef: Int32 = LUA_NOREF
        public internal(set) var hooks: Set<String> = []
        var randomCounter: UInt64 = 0
        var randomSeed: UInt64
        var modules: [String: Int32] = [:]
        var chunkNames: [String] = []
        init(manifest: PluginManifest, use: PluginUse, params: LuaTable, randomSeed: UInt64) {
            self.manifest = manifest; self.use = use; self.params = params; self.randomSeed = randomSeed
        }
        public var name: String { manifest.name }
    }

    /// Loads the plugins (already resolved and ordered) a scenario uses.
    public init(lua: LuaState, sandbox: LuaSandbox, scenario: Scenario, manifests: [PluginManifest]) throws {
        self.lua = lua
        self.sandbox = sandbox
        calendar = scenario.config.calendar
        runSeed = scenario.config.seed
        sectorNames = scenario.config.population.sectors.map(\.name)
        for manifest in manifests {
            let use = scenario.plugins.first { $0.name == manifest.name }
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
            var d = context.diagnostic(path: ["plugins", use.name, key], problem: "plugin '\(use.name)' has no parameter '\(key)'")
            d.fix = names.isEmpty ? "This plugin takes no parameters" : Suggestion.hint(for: key, in: names + ["version", "every"]).capitalizedFirst
            d.plugin = use.name
            throw d
        }
        for spec in manifest.params {
            let given = use.params[spec.name]
            let value = given ?? spec.defaultValue
            if value == .nil { continue }
            let checked = try spec.validate(value, plugin: use.name, calendar: calendar, sectors: sectorNames) { problem, fix in
                if given == nil {
                    return Diagnostic(file: manifest.manifestPath, line: SourceLocator(file: manifest.manifestPath, source: (try? String(contentsOfFile: manifest.manifestPath, encoding: .utf8)) ?? "").line(of: ["params." + spec.name]) ?? 1,
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

    func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    private func load(_ index: Int) throws {
        let plugin = plugins[index]
        try sandbox.pushNewEnvironment(environmentHooks(for: index))
        plugin.envRef = sandbox.reference()
        let initURL = plugin.manifest.directory.appendingPathComponent("init.lua")
        guard let source = try? String(contentsOf: initURL, encoding: .utf8) else {
            throw Diagnostic(file: displayPath(initURL), plugin: plugin.name, problem: "plugin '\(plugin.name)' has no readable init.lua",
                             fix: "Add init.lua returning a table of hooks, e.g. return { on_tick = function(ctx) end }")
        }
        let chunk = displayPath(initURL)
        plugin.chunkNames.append(chunk)
        sandbox.push(reference: plugin.envRef)
        let env = lua.top
        do {
            try sandbox.loadChunk(source: source, chunkName: chunk, environment: env)
            try lua.call(arguments: 0, results: 1)
        } catch let e as LuaError {
            lua.setTop(env - 1)
            throw diagnostic(e, plugin: index, hook: "loading init.lua")
        }
        let hooks = lua.value(at: -1)
        guard let table = hooks.table else {
            lua.setTop(env - 1)
            throw Diagnostic(file: chunk, line: source.components(separatedBy: "\n").count, plugin: plugin.name,
                             problem: "init.lua of plugin '\(plugin.name)' returned \(hooks.typeName) instead of a table of hooks",
                             fix: "End init.lua with: return { on_tick = function(ctx) ... end }")
        }
        for (key, value) in table.fields {
            guard PluginHost.hookNames.contains(key) || key.hasPrefix("_") else {
                lua.setTop(env - 1)
                let line = SourceLocator(file: chunk, source: source).line(of: [key])
                throw Diagnostic(file: chunk, line: line ?? 1, plugin: plugin.name, problem: "init.lua returns an unknown hook '\(key)'",
                                 fix: Suggestion.hint(for: key, in: PluginHost.hookNames).capitalizedFirst)
            }
            if value == .function { plugin.hooks.insert(key) }
        }
        plugin.hooksRef = sandbox.reference()
        lua.setTop(env - 1)
    }

    // MARK: Per-plugin environment: random, require, print

    func environmentHooks(for index: Int) -> LuaSandbox.EnvironmentHooks {
        LuaSandbox.EnvironmentHooks(
            random: { [unowned self] lua in try self.random(lua, plugin: index) },
            randomseed: { [unowned self] lua in
                guard let d = lua.value(at: 1).double else { throw ScriptCallError("math.randomseed expects a number") }
                self.plugins[index].randomSeed = CounterRNG.derive(UInt64(bitPattern: Int64(d)), PluginHost.stableHash(self.plugins[index].name))
                self.plugins[index].randomCounter = 0
                return 0
            },
            require: { [unowned self] lua in try self.require(lua, plugin: index) },
            print: { [unowned self] lua in
                self.log(index, (1...max(1, lua.top)).map { lua.top >= $0 ? Self.show(lua.value(at: $0)) : "" }.joined(separator: "\t"))
                return 0
            })
    }

    static func show(_ v: LuaValue) -> String {
        switch v {
        case .string(let s): return s
        default: return v.description
        }
    }

    /// math.random / ctx.random with Lua's conventions: () in [0,1), (m) in 1..m, (m, n) in m..n.
    func random(_ lua: LuaState, plugin index: Int) throws -> Int32 {
        let p = plugins[index]
        p.randomCounter += 1
        let bits = CounterRNG.mix(p.randomSeed ^ CounterRNG.mix(p.randomCounter))
        let u = Double(bits >> 11) * 0x1.0p-53
        let n = lua.top
        if n == 0 { lua.push(u); return 1 }
        guard let a = lua.value(at: 1).double, a == a.rounded() else { throw ScriptCallError("random: the bounds must be whole numbers") }
        var low = 1.0, high = a
        if n >= 2 {
            guard let b = lua.value(at: 2).double, b == b.rounded() else { throw ScriptCallError("random: the bounds must be whole numbers") }
            low = a; high = b
        }
        guard low <= high else { throw ScriptCallError("random: interval is empty (\(Int(low)) > \(Int(high)))") }
        lua.push(Int(low) + Int(u * (high - low + 1)))
        return 1
    }

    /// require(name): the plugin's own modules (name.lua or name/init.lua in
    /// its folder), or a declared dependency ("dep" gives the dependency's
    /// hook table, "dep.module" a module from its folder).
    func require(_ lua: LuaState, plugin index: Int) throws -> Int32 {
        guard let name = lua.value(at: 1).string, !name.isEmpty else { throw ScriptCallError("require expects a module name string") }
        let p = plugins[index]
        if let ref = p.modules[name] { sandbox.push(reference: ref); return 1 }
        var owner = index
        var relative = name
        let first = String(name.split(separator: ".").first!)
        if p.manifest.dependencies.contains(where: { $0.name == first }) {
            guard let dep = plugins.firstIndex(where: { $0.name == first }) else {
                throw ScriptCallError("require '\(name)': the optional dependency '\(first)' is not loaded in this run; check for it with pcall(require, \"\(first)\")")
            }
            if name == first { sandbox.push(reference: plugins[dep].hooksRef); return 1 }
            owner = dep
            relative = String(name.dropFirst(first.count + 1))
        } else if first.contains("-") || plugins.contains(where: { $0.name == first }) {
            throw ScriptCallError("require '\(name)': plugin '\(p.name)' may only require its own modules and its declared dependencies; add \(first) to [dependencies] in its plugin.toml")
        }
        guard relative.range(of: "^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$", options: .regularExpression) != nil else {
            throw ScriptCallError("require '\(name)': module names are letters, digits and underscores separated by dots")
        }
        let dir = plugins[owner].manifest.directory
        let base = relative.replacingOccurrences(of: ".", with: "/")
        let candidates = [dir.appendingPathComponent(base + ".lua"), dir.appendingPathComponent(base + "/init.lua")]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
              let source = try? String(contentsOf: url, encoding: .utf8) else {
            throw ScriptCallError("require '\(name)': no module \(base).lua or \(base)/init.lua in \(displayPath(dir))")
        }
        let chunk = displayPath(url)
        plugins[owner].chunkNames.append(chunk)
        sandbox.push(reference: plugins[owner].envRef)
        let env = lua.top
        do {
            try sandbox.loadChunk(source: source, chunkName: chunk, environment: env)
            try lua.call(arguments: 0, results: 1)
        } catch let e as LuaError {
            lua.setTop(env - 1)
            throw ScriptCallError("require '\(name)' failed: \(e)")
        }
        if lua_type(lua.L, -1) == LUA_TNIL { lua.pop(); lua.push(true) }
        lua_pushvalue(lua.L, -1)
        p.modules[name] = sandbox.reference()
        lua_rotate(lua.L, env, -1)  // drop the environment below the result
        lua.pop()
        return 1
    }

    func log(_ index: Int, _ message: String) {
        let when = simulation.map { $0.tick >= 0 ? "tick \($0.tick) \(calendar.label($0.tick))" : "setup" } ?? "load"
        logSink("[\(when)] \(plugins[index].name): \(message)")
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
            fix = "The hook ran too long (an endless loop?). Make it do less per tick, or raise limits.instructions in the scenario or --max-instructions"
        case .memory:
            fix = "The plugin used more memory than the cap. Keep less data in Lua, or raise limits.memory_mb in the scenario or --max-memory"
        case .syntax:
            fix = "Fix the Lua syntax at that line"
        default:
            fix = "Fix the plugin's code at that line, or remove '\(p.name)' from the scenario's plugins"
        }
        return Diagnostic(file: file ?? displayPath(p.manifest.directory.appendingPathComponent("init.lua")), line: e.line,
                          plugin: p.name, hook: hook, tick: tick, date: tick.map { calendar.label($0) },
                          problem: e.message.isEmpty ? "\(e.kind.rawValue) error" : e.message, fix: fix)
    }

    // MARK: Hooks

    /// Calls `hook` of every plugin that has it, with ctx and `extra` arguments pushed by `pushArgs`.
    func callHook(_ hook: String, where include: (LoadedPlugin) -> Bool = { _ in true }, pushArgs: (() -> Int32)? = nil) throws {
        for (index, p) in plugins.enumerated() where p.hooks.contains(hook) && include(p) {
            try callHook(hook, plugin: index, pushArgs: pushArgs)
            try deliverEvents()
        }
    }

    func callHook(_ hook: String, plugin index: Int, pushArgs: (() -> Int32)?) throws {
        let p = plugins[index]
        let base = lua.top
        sandbox.push(reference: p.hooksRef)
        _ = lua_getfield(lua.L, -1, hook)
        sandbox.push(reference: p.ctxRef)
        let extra = pushArgs?() ?? 0
        currentHook = (index, hook)
        defer { currentHook = nil; lua.setTop(base) }
        do {
            try lua.call(arguments: 1 + extra, results: 0)
        } catch let e as LuaError {
            throw diagnostic(e, plugin: index, hook: hook)
        }
    }

    func deliverEvents() throws {
        while !pendingEvents.isEmpty {
            let event = pendingEvents.removeFirst()
            defer { luaL_unref(lua.L, uptake_registryindex(), event.payloadRef) }
            for (index, p) in plugins.enumerated() where index != event.from && p.hooks.contains("on_event") {
                try callHook("on_event", plugin: index) {
                    self.lua.push(event.name)
                    self.sandbox.push(reference: event.payloadRef)
                    return 2
                }
            }
        }
    }

    public func simulationDidSetUp(_ simulation: Simulation) throws {
        self.simulation = simulation
        try publishStats(simulation)
        for index in plugins.indices { try buildContext(index) }
        try callHook("setup")
        simulation.refreshStats()
    }

    public func simulationWillStep(_ simulation: Simulation) throws {
        try updateContexts(simulation)
        try callHook("on_tick", where: { p in (simulation.tick % (p.use.every ?? 1)) == 0 })
    }

    public func simulationDidStep(_ simulation: Simulation, adoptions: AdoptionBatch) throws {
        try publishStats(simulation)
        try updateContexts(simulation)
        if plugins.contains(where: { $0.hooks.contains("on_adoptions") }) {
            try callHook("on_adoptions") {
                self.pushAdoptionBatch(adoptions, simulation: simulation)
                return 1
            }
        }
        try callHook("after_tick")
    }

    public func simulationDidFinish(_ simulation: Simulation) throws {
        try callHook("finish")
    }
}
