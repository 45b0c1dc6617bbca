import Foundation
import GRDB
import XCTest
import UptakeTestSupport
@testable import UptakeBatch
import UptakeScripting

/// What the batch tests do in a throw-away project: tiny scenarios, test
/// plugins with number parameters, experiment files, and batches run into
/// results databases there.
extension TemporaryProject {
    /// A test plugin with number parameters (each min..max, default 0) and an init.lua.
    func plugin(_ name: String, numbers: [String], range: (Double, Double) = (-10, 10), initLua: String) throws {
        let params = numbers.map {
            "[params.\($0)]\ntype = \"number\"\ndefault = 0\nmin = \(range.0)\nmax = \(range.1)\n"
        }.joined(separator: "\n")
        try plugin(name, params: params, initLua: initLua)
    }

    /// The Ishigami function as a plugin: y = sin(x1) + 7 sin(x2)^2 + 0.1 x3^4 sin(x1).
    func ishigami() throws -> String {
        try plugin(
            "ishigami", numbers: ["x1", "x2", "x3"], range: (-4, 4),
            initLua: """
                local m = {}
                function m.after_tick(ctx)
                  local p = ctx.params
                  ctx.record("y", math.sin(p.x1) + 7 * math.sin(p.x2) ^ 2 + 0.1 * p.x3 ^ 4 * math.sin(p.x1))
                end
                return m
                """)
        return try scenario(plugins: "{ \"ishigami\" },", firms: 10, ticks: 1, name: "ishigami.lua")
    }

    /// A small scenario.
    @discardableResult
    func scenario(plugins: String = "", firms: Int = 300, ticks: Int = 6, name: String = "scenario.lua") throws
        -> String
    {
        try write(
            name,
            """
            return scenario {
              name = "test", ticks = \(ticks), seed = 5,
              firms = \(firms),
              network = { kind = "mean-field" },
              plugins = {
                \(plugins)
              },
            }
            """)
    }

    /// The project's own plugins, then the repository's standard ones.
    var searchPath: PluginSearchPath {
        PluginSearchPath(directories: [plugins, Repository.root.appendingPathComponent("plugins")])
    }

    func experiment(_ body: String, name: String = "experiment.lua") throws -> Experiment {
        try ExperimentLoader.load(file: try write(name, "return experiment {\n\(body)\n}\n"))
    }

    /// Runs a batch into a new database in the project folder and returns the summary and path.
    func batch(
        _ experiment: Experiment, jobs: Int = 1, shard: Shard = .all, resume: Bool = false, out: String = "results.db",
        program: ProgramBuild = .fixture, allowOtherBuild: Bool = false, warn: (@Sendable (String) -> Void)? = nil
    ) throws -> (BatchRunner.Summary, String) {
        let db = path(out)
        var options = BatchRunner.Options(
            jobs: jobs, shard: shard, resume: resume, program: program, allowOtherBuild: allowOtherBuild,
            searchPath: searchPath)
        if let warn { options.warn = warn }
        let summary = try BatchRunner(experiment: experiment, options: options).run(out: db)
        return (summary, db)
    }
}

extension ProgramBuild {
    /// The build the tests' batches claim to be.
    static let fixture = ProgramBuild(version: "0.2.0", commit: "3e6b58177a687b37eb21a52a8684787791389293")
}

extension ResultStore {
    /// Every row of every table, ordered, without timings and timestamps: equal dumps mean equal results.
    static func dump(_ path: String) throws -> String {
        let store = try ResultStore.open(path, readOnly: true)
        return try store.read { db in
            let queries = [
                "SELECT * FROM experiment WHERE key NOT IN ('created_at') ORDER BY key",
                "SELECT * FROM provenance ORDER BY kind, name", "SELECT * FROM parameters ORDER BY position",
                "SELECT * FROM points ORDER BY point", "SELECT * FROM point_values ORDER BY point, parameter",
                "SELECT run, point, replicate, seed, status, error, ticks FROM runs ORDER BY run",
                "SELECT * FROM outputs ORDER BY run, metric", "SELECT * FROM series ORDER BY run, tick, metric",
            ]
            return try queries.map { q in
                try Row.fetchAll(db, sql: q).map { $0.description }.joined(separator: "\n")
            }.joined(separator: "\n--\n")
        }
    }

    /// The number the query `sql` (a count) gives on the database at `path`.
    static func count(_ path: String, _ sql: String) throws -> Int {
        try ResultStore.open(path, readOnly: true).read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }
}
