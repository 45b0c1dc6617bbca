import Dispatch
import Foundation
import UptakeKernel

/// Everything one run needs, prepared from a scenario file: one Lua state
/// (sandboxed, limited), the validated scenario, its resolved plugins loaded
/// into the host, and the kernel simulation.
///
///     let session = try RunSession(file: "scenarios/baseline.lua", options: .init(seed: 7))
///     try session.run()
///     print(SeriesTable.build(session.simulation).csv)
public final class RunSession {
    public struct Options: Sendable {
        public var seed: UInt64?
        public var overrides: [ParameterOverride]
        public var threads: Int
        /// Overrides of the scenario's script limits (command line wins).
        public var maxInstructions: Int?
        public var maxMemoryMB: Int?
        /// Wall-clock seconds the run may take, from loading the plugins to the last tick.
        public var maxSeconds: Double?
        public var searchPath: PluginSearchPath?
        /// Skip the check against the project's uptake.lock.
        public var ignoreLock: Bool
        /// Told (plugin, hook, tick) before each hook call and plugin load (see `PluginHost.hookObserver`).
        public var hookObserver: (@Sendable (String, String, Int) -> Void)?
        public init(seed: UInt64? = nil, overrides: [ParameterOverride] = [], threads: Int = 1,
                    maxInstructions: Int? = nil, maxMemoryMB: Int? = nil, maxSeconds: Double? = nil,
                    searchPath: PluginSearchPath? = nil, ignoreLock: Bool = false) {
            self.seed = seed; self.overrides = overrides; self.threads = threads
            self.maxInstructions = maxInstructions; self.maxMemoryMB = maxMemoryMB; self.maxSeconds = maxSeconds
            self.searchPath = searchPath
            self.ignoreLock = ignoreLock
        }
    }

    public let scenario: Scenario
    public let lua: LuaState
    public let host: PluginHost
    public let simulation: Simulation
    public let plugins: [PluginManifest]
    /// Seconds spent preparing the run, by phase: "resolve" (finding and
    /// checking plugins), "population" (firms and network), "plugins" (loading them into Lua).
    public private(set) var timings: [String: Double] = [:]

    public convenience init(file: String, options: Options = Options()) throws {
        let lua = try LuaState()
        let sandbox = try LuaSandbox(lua: lua)
        let scenario = try ScenarioLoader.load(file: file, sandbox: sandbox, overrides: options.overrides, seed: options.seed,
                                               threads: options.threads)
        try self.init(scenario: scenario, lua: lua, sandbox: sandbox, options: options)
    }

    /// Prepares a scenario already validated (e.g. one built by a plugin test with `t.run`).
    /// The search path defaults to the one of `scenario.file`.
    public init(scenario: Scenario, lua: LuaState, sandbox: LuaSandbox, options: Options = Options()) throws {
        let file = scenario.file
        self.lua = lua
        self.scenario = scenario
        var limits = scenario.limits
        if let i = options.maxInstructions { limits.instructions = i }
        if let m = options.maxMemoryMB { limits.memoryBytes = m << 20 }
        if let s = options.maxSeconds { limits.seconds = s }
        lua.setLimits(limits)
        let catalog = PluginCatalog(searchPath: options.searchPath ?? .standard(scenarioFile: file))
        let requests = try scenario.plugins.map { use -> PluginCatalog.Request in
            let origin = scenario.context.diagnostic(path: ["plugins", use.name], problem: "")
            var constraint: VersionConstraint? = nil
            if let v = use.version {
                do { constraint = try VersionConstraint(v) } catch {
                    var d = scenario.context.diagnostic(path: ["plugins", use.name, "version"], problem: "\(error)")
                    d.plugin = use.name
                    throw d
                }
            }
            return .init(name: use.name, constraint: constraint, origin: origin, requiredBy: "the scenario")
        }
        var clock = DispatchTime.now()
        func lap() -> Double {
            let now = DispatchTime.now()
            defer { clock = now }
            return Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
        }
        plugins = try catalog.resolve(requests)
        if !options.ignoreLock, let lock = RunSession.lockfile(for: file) {
            try Lockfile.load(lock).verify(plugins, lockPath: lock.path)
        }
        let resolveTime = lap()
        do {
            simulation = try Simulation(scenario.config)
        } catch let e as PopulationError {
            throw Diagnostic(file: scenario.file, line: scenario.context.locator.line(of: ["firms"]), problem: e.description)
        }
        let populationTime = lap()
        lua.startClock()  // limits.seconds counts from loading the plugins
        host = try PluginHost(lua: lua, sandbox: sandbox, scenario: scenario, manifests: plugins, hookObserver: options.hookObserver)
        timings = ["resolve": resolveTime, "population": populationTime, "plugins": lap()]
    }

    /// The project's uptake.lock for a scenario file, if there is one.
    public static func lockfile(for scenarioFile: String) -> URL? {
        let dir = URL(fileURLWithPath: scenarioFile).deletingLastPathComponent()
        guard let project = PluginSearchPath.projectDirectory(from: dir) else { return nil }
        let url = project.appendingPathComponent(Lockfile.fileName)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Runs every tick with the plugins' hooks.
    public func run() throws {
        try simulation.run(observer: host)
    }
}
