import Dispatch
import Foundation
import UptakeKernel
import UptakeLocks

/// Everything one run needs, prepared from a scenario file: one Lua state
/// (sandboxed, limited), the validated scenario, its resolved plugins loaded
/// into the host, and the kernel simulation.
///
///     let session = try RunSession(file: "scenarios/baseline.lua", options: .init(seed: 7))
///     try session.run()
///     print(OutputTable(session.simulation).rows.last!)
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
        /// Gets the lines the scenario file and the plugins print (default: stderr).
        public var logSink: (@Sendable (String) -> Void)?
        /// Told when preparing the run enters each phase (for a progress display).
        public var phaseObserver: (@Sendable (Phase) -> Void)?
        /// What earlier runs of the same batch found out about their plugins,
        /// to reuse instead of finding and checking them again (nil: find them).
        public var shared: SharedPreparation?
        public init(
            seed: UInt64? = nil, overrides: [ParameterOverride] = [], threads: Int = 1,
            maxInstructions: Int? = nil, maxMemoryMB: Int? = nil, maxSeconds: Double? = nil,
            searchPath: PluginSearchPath? = nil, ignoreLock: Bool = false
        ) {
            self.seed = seed
            self.overrides = overrides
            self.threads = threads
            self.maxInstructions = maxInstructions
            self.maxMemoryMB = maxMemoryMB
            self.maxSeconds = maxSeconds
            self.searchPath = searchPath
            self.ignoreLock = ignoreLock
        }
    }

    /// The steps of preparing a run, in order.
    public enum Phase: Sendable, Equatable {
        case readingScenario
        case findingPlugins
        /// Making the firms and their network (long for millions of firms).
        case buildingPopulation(firms: Int)
        case loadingPlugins
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
        guard let shared = options.shared else {
            let lua = try LuaState()
            let sandbox = try LuaSandbox(lua: lua)
            options.phaseObserver?(.readingScenario)
            let scenario = try ScenarioLoader.load(
                file: file, sandbox: sandbox, overrides: options.overrides, seed: options.seed,
                threads: options.threads, log: options.logSink)
            try self.init(scenario: scenario, lua: lua, sandbox: sandbox, options: options)
            return
        }
        // The file's table is the same for every run of a batch: evaluated once per
        // worker (in a Lua state of its own), only the overrides and seed differ.
        options.phaseObserver?(.readingScenario)
        let scenario = try shared.scenario(
            file: file, log: options.logSink, overrides: options.overrides, seed: options.seed,
            threads: options.threads)
        guard scenario.plugins.isEmpty else {
            let lua = try LuaState()
            try self.init(scenario: scenario, lua: lua, sandbox: try LuaSandbox(lua: lua), options: options)
            return
        }
        // No plugins: no Lua code runs in this run, so it borrows an idle state
        // (making and closing one cost as much as a small run's population).
        let idle = try shared.borrowIdleLua()
        try self.init(scenario: scenario, lua: idle.lua, sandbox: idle.sandbox, options: options)
        lent = (idle, shared)
    }

    /// The idle Lua state this session borrowed, given back when it ends.
    private var lent: (state: SharedPreparation.IdleLua, from: SharedPreparation)?

    deinit {
        if let lent { lent.from.giveBack(lent.state) }
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
        options.phaseObserver?(.findingPlugins)
        var clock = DispatchTime.now()
        func lap() -> Double {
            let now = DispatchTime.now()
            defer { clock = now }
            return Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
        }
        let resolve = { try RunSession.resolvePlugins(of: scenario, searchPath: options.searchPath) }
        let plugins =
            try options.shared?.plugins(for: scenario, searchPath: options.searchPath, resolve: resolve) ?? resolve()
        self.plugins = plugins
        func lockfile() -> URL? { options.shared.map { $0.lockfile(for: file) } ?? RunSession.lockfile(for: file) }
        func sharingConfig() throws -> SharingConfig? {
            try options.shared.map { try $0.sharingConfig(for: file) } ?? RunSession.sharingConfig(for: file)
        }
        if !options.ignoreLock, let lock = lockfile() {
            let verify = {
                try RunSession.namingPluginCopies(plugins) {
                    try Lockfile.load(lock).verify(plugins, lockPath: lock.path)
                }
            }
            if let shared = options.shared {
                try shared.verifyOnce(lock: lock, plugins: plugins, verify: verify)
            } else {
                try verify()
            }
        }
        if !options.ignoreLock, let config = try sharingConfig() {
            // Hashing every plugin folder for its signature is the same work for each run of a batch.
            let check = { try TrustPolicy(config: config).checkLoaded(plugins) }
            if let shared = options.shared {
                try shared.verifyOnce(key: "signatures " + config.displayFile, plugins: plugins, verify: check)
            } else {
                try check()
            }
        }
        let resolveTime = lap()
        options.phaseObserver?(
            .buildingPopulation(firms: scenario.config.population.records?.count ?? scenario.config.population.count))
        do {
            simulation = try Simulation(scenario.config)
        } catch let e as PopulationError {
            throw Diagnostic(
                file: scenario.file, line: scenario.context.locator.line(of: ["firms"]), problem: e.description)
        } catch let e as NetworkError {
            throw Diagnostic(
                file: scenario.file, line: scenario.context.locator.line(of: ["network"]), problem: e.problem,
                fix: e.fix)
        }
        let populationTime = lap()
        options.phaseObserver?(.loadingPlugins)
        lua.startClock()  // limits.seconds counts from loading the plugins
        host = try RunSession.namingPluginCopies(plugins) {
            try PluginHost(
                lua: lua, sandbox: sandbox, scenario: scenario, manifests: plugins,
                hookObserver: options.hookObserver, logSink: options.logSink)
        }
        timings = ["resolve": resolveTime, "population": populationTime, "plugins": lap()]
    }

    /// The plugins a validated scenario uses, with their dependencies, in
    /// load order: what a run would load, found without loading any of them
    /// (for `uptake serve`, which shows their parameters). The search path
    /// defaults to the one of `scenario.file`.
    public static func resolvePlugins(of scenario: Scenario, searchPath: PluginSearchPath? = nil) throws
        -> [PluginManifest]
    {
        // Reading the search path parses every manifest on it (about a third of starting a
        // worker for a scenario without plugins), and nothing on it matters without requests.
        guard !scenario.plugins.isEmpty else { return [] }
        let catalog = PluginCatalog(searchPath: searchPath ?? .standard(scenarioFile: scenario.file))
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
        return try catalog.resolve(requests)
    }

    /// The project's uptake.lock for a scenario file, if there is one.
    public static func lockfile(for scenarioFile: String) -> URL? {
        let dir = URL(fileURLWithPath: scenarioFile).deletingLastPathComponent()
        guard let project = PluginSearchPath.projectDirectory(from: dir) else { return nil }
        let url = project.appendingPathComponent(Lockfile.fileName)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The project's uptake.toml for a scenario file, if there is one.
    public static func sharingConfig(for scenarioFile: String) throws -> SharingConfig? {
        let dir = URL(fileURLWithPath: scenarioFile).deletingLastPathComponent()
        guard let project = PluginSearchPath.projectDirectory(from: dir),
            FileManager.default.fileExists(atPath: project.appendingPathComponent(SharingConfig.fileName).path)
        else { return nil }
        return try SharingConfig.load(project: project)
    }

    /// Runs every tick with the plugins' hooks; `afterTick` is called at the
    /// end of each tick, after the plugins' hooks (for a progress display).
    public func run(afterTick: ((Simulation) -> Void)? = nil) throws {
        try RunSession.namingPluginCopies(plugins) {
            guard let afterTick else { return try simulation.run(observer: host) }
            try simulation.run(observer: TickWatcher(host: host, afterTick: afterTick))
        }
    }

    /// Runs `body`; an error it throws about one of `plugins` gets the copy
    /// that was loaded (version and folder), so a plugin of the project that
    /// shadows a standard one is visible in the message.
    static func namingPluginCopies<T>(_ plugins: [PluginManifest], _ body: () throws -> T) throws -> T {
        do { return try body() } catch var d as Diagnostic {
            if d.pluginCopy == nil, let name = d.plugin, let m = plugins.first(where: { $0.name == name }) {
                d.pluginCopy = "\(m.version) from \(PluginHost.displayPath(m.directory))"
            }
            throw d
        }
    }
}

/// The plugin host as the kernel's observer, plus a call after each tick.
private final class TickWatcher: SimulationObserver {
    let host: PluginHost
    let afterTick: (Simulation) -> Void
    init(host: PluginHost, afterTick: @escaping (Simulation) -> Void) {
        self.host = host
        self.afterTick = afterTick
    }
    func simulationDidSetUp(_ simulation: Simulation) throws { try host.simulationDidSetUp(simulation) }
    func simulationWillStep(_ simulation: Simulation) throws { try host.simulationWillStep(simulation) }
    func simulationDidStep(_ simulation: Simulation, adoptions: AdoptionBatch) throws {
        try host.simulationDidStep(simulation, adoptions: adoptions)
        afterTick(simulation)
    }
    func simulationDidFinish(_ simulation: Simulation) throws { try host.simulationDidFinish(simulation) }
}

/// What the runs of one batch share whatever their overrides and seeds: the
/// table their scenario file returns, the plugins it resolves to, and that
/// those passed the check against uptake.lock. A batch keeps one per process
/// (`RunExecutor`), so evaluating the scenario file, finding plugins
/// (listing the search path, reading every manifest on it) and hashing them
/// against the lockfile happen once per worker, not once per run. Each run
/// still gets its own Lua state and plugin code, and its own copy of the
/// scenario's table to apply its overrides to: nothing a run can change is
/// shared, so results do not depend on which worker ran what. A scenario or
/// plugin edited on disk during a batch is used by the runs that follow, as
/// before (the scenario's bytes are read for every run and evaluated again
/// when they changed), but plugins are not checked against the lock again.
public final class SharedPreparation: Sendable {
    private let resolved = Locked<[String: [PluginManifest]]>([:])
    private let verified = Locked<Set<String>>([])
    private let scenarios = Locked<[String: EvaluatedFile]>([:])
    private let lockfiles = Locked<[String: URL?]>([:])
    private let sharingConfigs = Locked<[String: SharingConfig?]>([:])

    /// A declarative file's bytes, the table they returned and the lines of their text.
    private struct EvaluatedFile: Sendable {
        let bytes: Data
        let table: LuaTable
        let locator: SourceLocator
    }

    public init() {}

    /// The table the scenario `file` returns, and its text's lines. The file is read
    /// every time, and evaluated (in a fresh Lua state, as a run used to)
    /// only when its bytes differ from the last ones evaluated: a scenario
    /// file is a pure function of its bytes (`DeclarativeFile.evaluate`). So
    /// what it prints is printed once per worker, not once per run.
    private func evaluatedScenario(file: String, log: ((String) -> Void)?) throws -> EvaluatedFile {
        let bytes = try DeclarativeFile.scenario.read(file: file)
        if let known = scenarios.withLock({ $0[file] }), known.bytes == bytes { return known }
        let sandbox = try LuaSandbox(lua: try LuaState())
        let (table, source) =
            try log.map { try DeclarativeFile.scenario.evaluate(bytes: bytes, file: file, sandbox: sandbox, log: $0) }
            ?? DeclarativeFile.scenario.evaluate(bytes: bytes, file: file, sandbox: sandbox)
        let evaluated = EvaluatedFile(bytes: bytes, table: table, locator: SourceLocator(file: file, source: source))
        scenarios.withLock { $0[file] = evaluated }
        return evaluated
    }

    /// The scenario of a run: the file's table (`evaluatedScenario`) with the run's
    /// overrides applied and checked, and its seed. The last one decoded is
    /// kept, and the next run with the same file bytes, overrides and threads
    /// takes a copy with its own seed (a point's replicates follow one another
    /// in a worker): decoding checks the whole table, and read any data file
    /// it names, for every run, about a twentieth of a 2,000-firm run. The
    /// seed is the only part of a `Scenario` that differs between them
    /// (`ScenarioDecoder` uses it for `config.seed` alone); a run without a
    /// seed of its own, or with a seed override, is decoded every time.
    func scenario(
        file: String, log: ((String) -> Void)?, overrides: [ParameterOverride], seed: UInt64?, threads: Int
    ) throws -> Scenario {
        let evaluated = try evaluatedScenario(file: file, log: log)
        let reusable = seed != nil && !overrides.contains { $0.path == ["seed"] }
        if reusable, let seed,
            let kept = lastScenario.withLock({ $0 }),
            kept.file == file && kept.bytes == evaluated.bytes && kept.overrides == overrides
                && kept.threads == threads
        {
            var scenario = kept.scenario
            scenario.config.seed = seed
            return scenario
        }
        let scenario = try ScenarioLoader.load(
            table: evaluated.table, locator: evaluated.locator, overrides: overrides, seed: seed, threads: threads)
        if reusable {
            lastScenario.withLock {
                $0 = DecodedScenario(
                    file: file, bytes: evaluated.bytes, overrides: overrides, threads: threads, scenario: scenario)
            }
        }
        return scenario
    }

    private struct DecodedScenario {
        let file: String
        let bytes: Data
        let overrides: [ParameterOverride]
        let threads: Int
        let scenario: Scenario
    }
    private let lastScenario = Locked<DecodedScenario?>(nil)

    /// A Lua state and sandbox in which no code has run but the sandbox's
    /// own prelude: what a run without plugins is given, since it runs no
    /// Lua at all. Used by one session at a time.
    final class IdleLua: @unchecked Sendable {
        // Unchecked Sendable: a state is reached only by the session that borrowed it.
        let lua: LuaState
        let sandbox: LuaSandbox
        init() throws {
            lua = try LuaState()
            sandbox = try LuaSandbox(lua: lua)
        }
    }
    private let idleStates = Locked<[IdleLua]>([])

    /// An idle state for a run without plugins, made when none is free.
    func borrowIdleLua() throws -> IdleLua {
        if let idle = idleStates.withLock({ $0.popLast() }) { return idle }
        return try IdleLua()
    }

    /// Takes back a state lent to a run without plugins, if that run left
    /// nothing on its stack (it runs no Lua, so it never should).
    func giveBack(_ idle: IdleLua) {
        guard idle.lua.top == 0 else { return }
        idleStates.withLock { $0.append(idle) }
    }

    /// The project's uptake.lock for `scenarioFile` (`RunSession.lockfile(for:)`), looked up once:
    /// finding the project walks up the folders, which costs more than a small run's population.
    func lockfile(for scenarioFile: String) -> URL? {
        if let known = lockfiles.withLock({ $0[scenarioFile] }) { return known }
        let lock = RunSession.lockfile(for: scenarioFile)
        lockfiles.withLock { $0[scenarioFile] = lock }
        return lock
    }

    /// The project's uptake.toml for `scenarioFile` (`RunSession.sharingConfig(for:)`), read once.
    func sharingConfig(for scenarioFile: String) throws -> SharingConfig? {
        if let known = sharingConfigs.withLock({ $0[scenarioFile] }) { return known }
        let config = try RunSession.sharingConfig(for: scenarioFile)
        sharingConfigs.withLock { $0[scenarioFile] = config }
        return config
    }

    /// The plugins of `scenario`, resolved by `resolve` the first time its file, search path and plugin list are seen.
    func plugins(
        for scenario: Scenario, searchPath: PluginSearchPath?, resolve: () throws -> [PluginManifest]
    ) throws -> [PluginManifest] {
        let uses = scenario.plugins.map { "\($0.name)@\($0.version ?? "")" }
        let folders = searchPath?.directories.map(\.path) ?? ["standard"]
        let key = ([scenario.file] + folders + ["--"] + uses).joined(separator: "\n")
        if let known = resolved.withLock({ $0[key] }) { return known }
        let plugins = try resolve()
        resolved.withLock { $0[key] = plugins }
        return plugins
    }

    /// Runs `verify` unless it already passed for this lockfile and these plugin folders.
    func verifyOnce(lock: URL, plugins: [PluginManifest], verify: () throws -> Void) throws {
        try verifyOnce(key: lock.path, plugins: plugins, verify: verify)
    }

    /// Runs `verify` unless it already passed for this check (`key`) and these plugin folders.
    func verifyOnce(key check: String, plugins: [PluginManifest], verify: () throws -> Void) throws {
        let key = ([check] + plugins.map { "\($0.name) \($0.version) \($0.directory.path)" }).joined(
            separator: "\n")
        if verified.withLock({ $0.contains(key) }) { return }
        try verify()
        verified.withLock { _ = $0.insert(key) }
    }
}
