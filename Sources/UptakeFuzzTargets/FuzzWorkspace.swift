import Foundation
import UptakeLocks
import UptakeKernel
import UptakeScripting

/// One temporary folder per process, reused by every input (inputs are
/// written over the same paths), removed when the process exits.
/// `try?` that, with UPTAKE_FUZZ_VERBOSE=1 in the environment, prints the
/// error on stderr (to see how far an input gets).
@discardableResult
func expected<T>(_ body: @autoclosure () throws -> T) -> T? {
    do { return try body() } catch {
        if FuzzWorkspace.verbose {
            FileHandle.standardError.write(Data("  expected error: \(String(describing: error).prefix(400))\n".utf8))
        }
        return nil
    }
}

final class FuzzWorkspace: Sendable {
    static let shared = FuzzWorkspace()

    /// The repository this was built from (for its plugins/).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let repositoryPlugins = repository.appendingPathComponent("plugins")

    /// Small limits, so that no input can make a Lua state run long or grow large.
    static let luaLimits = LuaState.Limits(memoryBytes: 32 << 20, instructions: 2_000_000, seconds: 0)

    static let verbose = ProcessInfo.processInfo.environment["UPTAKE_FUZZ_VERBOSE"] == "1"

    let root: URL
    private let written = Locked(Set<String>())

    private init() {
        let temporary = FileManager.default.temporaryDirectory
        // A process that crashed (a finding, or each crash under libFuzzer's -fork) never ran
        // its exit handler: remove the folders of processes that are gone.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix("uptake-fuzz-") {
            if let pid = Int32(name.dropFirst("uptake-fuzz-".count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
        root = temporary.appendingPathComponent("uptake-fuzz-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        FuzzWorkspace.rootPath.withLock { $0 = root.path }
        atexit { if let p = FuzzWorkspace.rootPath.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: p) } }
    }

    /// For the exit handler, a C function that can capture nothing.
    private static let rootPath = Locked<String?>(nil)

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Writes `data` to `relative` (replacing the previous input); returns the path.
    @discardableResult
    func write(_ data: Data, to relative: String) -> String {
        let url = url(relative)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: url)
        return url.path
    }

    /// Writes a fixed file once per process.
    func fixture(_ relative: String, _ text: String) {
        guard written.withLock({ $0.insert(relative).inserted }) else { return }
        write(Data(text.utf8), to: relative)
    }

    /// Removes a file or folder (and an SQLite database's -wal and -shm).
    func remove(_ relative: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: url(relative).path + suffix)
        }
    }

    /// Runs a validated scenario briefly: at most 500 generated firms and 6
    /// ticks (a larger scenario is cut down, not skipped), small Lua limits,
    /// the repository's plugins.
    static func runBriefly(_ scenario: Scenario, lua: LuaState, sandbox: LuaSandbox) {
        var scenario = scenario
        scenario.config.population.count = min(scenario.config.population.count, 500)
        scenario.config.ticks = min(scenario.config.ticks, 6)
        scenario.config.threads = 1
        guard scenario.config.population.records.map({ $0.count <= 5_000 }) ?? true else { return }
        let options = RunSession.Options(
            maxInstructions: luaLimits.instructions, maxMemoryMB: luaLimits.memoryBytes >> 20, maxSeconds: 10,
            searchPath: PluginSearchPath(directories: [repositoryPlugins]), ignoreLock: true)
        guard let session = expected(try RunSession(scenario: scenario, lua: lua, sandbox: sandbox, options: options))
        else { return }
        expected(try session.run())
    }

    /// A small scenario with every kind of plugin parameter, used by the
    /// experiment and --set targets.
    static let smallScenario = """
        return scenario {
          name = "fuzz",
          start = "2023Q1", ticks = 4, seed = 3,
          firms = { count = 60, initial_adoption = 0.05 },
          network = { kind = "small-world", degree = 4, rewire = 0.1 },
          model = { rule = "rogers" },
          plugins = {
            { "tax-relief", rate = 0, from = "2024Q1" },
            { "training-campaign" },
          },
          limits = { instructions = 2000000, memory_mb = 32 },
        }
        """
}
