import Foundation
import UptakeServe
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A small project for the explorer's tests: a scenario with a plugin whose
/// manifest has one parameter of each kind, an experiment, a broken
/// scenario, and hostile plugins, each in a scenario of its own.
struct ExplorerProject {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-serve-\(UUID().uuidString)")
        try write("plugins/knob/plugin.toml", ExplorerProject.knobManifest)
        try write(
            "plugins/knob/init.lua",
            """
            local M = {}
            function M.on_tick(ctx) ctx.set("subsidy", ctx.params.share) end
            return M
            """)
        try write("scenarios/small.lua", ExplorerProject.scenario(plugin: #"{ "knob", share = 0.25 }"#))
        try write(
            "scenarios/sweep.lua",
            """
            return experiment {
              scenario = "small.lua",
              levers = { ["knob.share"] = { 0, 0.5 } },
            }
            """)
        try write("scenarios/broken.lua", "return scenario {\n  ticks = ,\n}\n")
        try hostile("exits", body: "os.exit(3)")
        try hostile("loops", body: "while true do end")
        // Cheap strings kept in a global: the memory cap ends it, not the instruction budget.
        try hostile(
            "bloats", body: #"local chunk = string.rep("x", 1000) K = {} for i = 1, 1e8 do K[i] = chunk .. i end"#)
        // About 20 million instructions per tick (under the 50 million budget): a run long enough to be stopped.
        try hostile("slow", body: "local x = 0 for i = 1, 5e6 do x = x + i end", ticks: 1000)
    }

    static let knobManifest = """
        name = "knob"
        version = "1.2.0"
        api = "^1"
        description = "A subsidy with a parameter of every kind."

        [params.share]
        type = "number"
        default = 0.1
        min = 0
        max = 1
        unit = "share of adoption cost"
        doc = "What the state pays."
        source = "Budget 2026, line 4.2"

        [params.courses]
        type = "integer"
        default = 3
        min = 1
        max = 40
        unit = "courses"
        doc = "Courses per firm."
        source = "Assumed."

        [params.budget]
        type = "number"
        default = 2e8
        min = 0
        unit = "yuan"
        doc = "Total budget."
        source = "Assumed."

        [params.strict]
        type = "boolean"
        default = false
        doc = "Stop when the budget is spent."

        [params.mode]
        type = "string"
        default = "flat"
        choices = ["flat", "tapered"]
        doc = "How the share changes."

        [params.from]
        type = "date"
        doc = "First period."

        [params.sectors]
        type = "list"
        default = ["manufacturing"]
        doc = "Sectors that qualify."
        """

    static func scenario(plugin: String, ticks: Int = 6, limits: String = "") -> String {
        """
        return scenario {
          name = "Small test scenario",
          start = "2023Q1",
          ticks = \(ticks),
          seed = 7,
          firms = 300,
          \(limits)
          plugins = { \(plugin) },
        }
        """
    }

    /// A plugin `NAME` whose on_tick does `body` from tick 1, and `scenarios/NAME.lua` that uses it.
    func hostile(_ name: String, body: String, ticks: Int = 6) throws {
        try write("plugins/\(name)/plugin.toml", "name = \"\(name)\"\nversion = \"1.0.0\"\napi = \"^1\"\n")
        try write(
            "plugins/\(name)/init.lua",
            "local M = {}\nfunction M.on_tick(ctx)\n  if ctx.tick >= 1 then \(body) end\nend\nreturn M\n")
        try write(
            "scenarios/\(name).lua",
            ExplorerProject.scenario(
                plugin: "\"\(name)\"", ticks: ticks,
                limits: "limits = { instructions = 30000000, memory_mb = 64, seconds = 60 },"))
    }

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// An explorer started in this process on a free port, for real requests;
/// its runs are children of the built `uptake`.
final class StartedExplorer {
    let port: Int
    let token: String
    let project: ExplorerProject
    private let task: Task<Void, any Error>

    /// The built uptake, beside the test bundle.
    static var uptake: String {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("uptake").path
        }
        return Bundle.main.bundleURL.appendingPathComponent("uptake").path
    }

    init(maxConcurrentRuns: Int = 2) async throws {
        project = try ExplorerProject()
        let settings = ExplorerServer.Settings(
            project: try ProjectFolder(project.root.path), executable: StartedExplorer.uptake, port: 0,
            maxConcurrentRuns: maxConcurrentRuns, maxSecondsPerRun: 60)
        let server = ExplorerServer(settings: settings)
        let (addresses, sink) = AsyncStream.makeStream(of: URL.self)
        task = Task { try await server.run { sink.yield($0) } }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next(), let port = address.port else {
            throw LoopbackClient.Failure(description: "the explorer did not start")
        }
        self.port = port
        token = settings.token.text
    }

    /// Stops the server (as its task's cancellation) and removes the project.
    func stop() async {
        task.cancel()
        _ = try? await task.value
        project.remove()
    }

    func get(_ path: String, token: Bool = true) throws -> LoopbackClient.Answer {
        try LoopbackClient.get(port: port, token ? withToken(path) : path)
    }

    func withToken(_ path: String) -> String {
        path + (path.contains("?") ? "&" : "?") + "token=\(token)"
    }

    /// Opens the run WebSocket and asks for `request` (JSON).
    func startRun(_ request: String) throws -> LoopbackClient {
        let socket = try LoopbackClient.webSocket(port: port, withToken("/run"))
        try socket.send(request)
        return socket
    }

    /// A run to its end: every message the server sent.
    func run(_ request: String) throws -> [[String: Any]] {
        try startRun(request).receiveAll()
    }

    /// Live processes whose command line contains `text` (from /proc; a
    /// zombie has none). Every process of a run names the run's scenario file.
    static func processes(containing text: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: command, as: UTF8.self).contains(text)
        }
    }
}
