import Foundation
import GRDB
import XCTest
import UptakeTestSupport

/// `uptake batch`, `results`, `sensitivity`, `merge` and `slurm` run as a user would.
final class BatchCommandTests: XCTestCase {
    /// The built binary, run in a folder of this class's.
    struct CLI {
        func uptake(_ arguments: [String], in directory: URL) throws -> UptakeCLI.Result {
            try UptakeCLI.run(arguments, in: directory)
        }
    }
    let cli = CLI()

    /// A folder with a small scenario, a test plugin beside it and an experiment sweeping it.
    func project(firms: Int = 300, ticks: Int = 6, values: Int = 4, replicates: Int = 2, pluginBody: String = "") throws
        -> URL
    {
        try Self.project(firms: firms, ticks: ticks, values: values, replicates: replicates, pluginBody: pluginBody)
    }

    static func project(firms: Int = 300, ticks: Int = 6, values: Int = 4, replicates: Int = 2, pluginBody: String = "")
        throws -> URL
    {
        let project = try TemporaryProject()
        try project.plugin(
            "probe",
            params: """
                [params.x]
                type = "number"
                default = 0
                min = 0
                max = 100
                """,
            initLua:
                "local m = {}\n\(pluginBody)\nfunction m.after_tick(ctx) ctx.record(\"probe_x\", ctx.params.x) end\nreturn m\n"
        )
        try project.write(
            "scenario.lua",
            """
            return scenario {
              name = "small", ticks = \(ticks), seed = 5, firms = \(firms),
              network = { kind = "small-world", degree = 6 },
              plugins = { { "probe" } },
            }
            """)
        try project.write(
            "experiment.lua",
            """
            return experiment {
              name = "probe sweep", scenario = "scenario.lua", seed = 8, replicates = \(replicates),
              levers = { ["probe.x"] = { from = 1, step = 1, to = \(values) } },
              record = { final = { "adoption", "probe_x" }, series = { "adopters" }, every = 3 },
            }
            """)
        return project.root
    }

    static func dump(_ path: String) throws -> String {
        let db = try DatabaseQueue(path: path)
        return try db.read { db in
            try [
                "SELECT * FROM points ORDER BY point", "SELECT * FROM point_values ORDER BY point, parameter",
                "SELECT run, point, replicate, seed, status, error, ticks FROM runs ORDER BY run",
                "SELECT * FROM outputs ORDER BY run, metric", "SELECT * FROM series ORDER BY run, tick, metric",
            ].map { q in
                try Row.fetchAll(db, sql: q).map(\.description).joined(separator: "\n")
            }.joined(separator: "\n--\n")
        }
    }

    static func runCount(_ path: String) -> Int {
        guard FileManager.default.fileExists(atPath: path), let db = try? DatabaseQueue(path: path) else { return 0 }
        let count = try? db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runs") }
        return (count ?? nil) ?? 0
    }

    func testABatchKilledWithSigkillResumesToExactlyTheUninterruptedResults() throws {
        let dir = try project(firms: 3000, ticks: 30, values: 20, replicates: 2)
        let full = try cli.uptake(["batch", "experiment.lua", "--out", "full.db", "--jobs", "2", "--quiet"], in: dir)
        XCTAssertEqual(full.status, 0, full.stderr)

        let killed = dir.appendingPathComponent("killed.db").path
        let process = Process()
        process.executableURL = UptakeCLI.productsDirectory.appendingPathComponent("uptake")
        process.arguments = ["batch", "experiment.lua", "--out", "killed.db", "--jobs", "2", "--quiet"]
        process.currentDirectoryURL = dir
        try process.run()
        // Wait for the first few runs to be committed (a condition, not a duration), then kill -9.
        while BatchCommandTests.runCount(killed) < 3 && process.isRunning { usleep(5_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = BatchCommandTests.runCount(killed)
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the batch finished before it could be killed")
        XCTAssertGreaterThanOrEqual(before, 3)
        XCTAssertLessThan(before, 40)

        let resumed = try cli.uptake(
            ["batch", "experiment.lua", "--out", "killed.db", "--resume", "--jobs", "1"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(
            resumed.stdout.contains("40 of 40 runs done (\(before) were already in killed.db); \(40 - before) ran now"),
            resumed.stdout)
        XCTAssertEqual(
            try BatchCommandTests.dump(dir.appendingPathComponent("full.db").path), try BatchCommandTests.dump(killed))
    }

    func testFailedRunsAreListedAndTheExitStatusSaysSo() throws {
        let dir = try project(
            pluginBody: "function m.on_tick(ctx) if ctx.params.x == 3 then error(\"x = 3 is not supported\") end end")
        let r = try cli.uptake(["batch", "experiment.lua", "--out", "r.db", "--jobs", "2"], in: dir)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("2 of 8 runs failed") && r.stderr.contains("uptake results r.db"), r.stderr)
        let results = try cli.uptake(["results", "r.db"], in: dir)
        XCTAssertEqual(results.status, 0, results.stderr)
        XCTAssertTrue(
            results.stdout.contains("Failed runs (2)") && results.stdout.contains("x = 3 is not supported"),
            results.stdout)
        XCTAssertTrue(
            results.stdout.contains("probe.x=3") && results.stdout.contains("no successful runs"), results.stdout)
        let details = try cli.uptake(["results", "r.db", "--details"], in: dir)
        XCTAssertTrue(details.stdout.contains("probe_x"), details.stdout)
    }

    func testResultsExportTidyCSVAndJSONLines() throws {
        let dir = try project()
        XCTAssertEqual(try cli.uptake(["batch", "experiment.lua", "--out", "r.db", "--quiet"], in: dir).status, 0)
        let r = try cli.uptake(["results", "r.db", "--csv", "tables", "--json"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4 + 4 * 3, "one JSON line per policy, then per point and metric")
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        XCTAssertEqual(first?["table"] as? String, "policy")
        XCTAssertEqual(first?["outcome"] as? String, "adoption", "adopters not recorded: adoption is the outcome")
        let fifth = try JSONSerialization.jsonObject(with: Data(lines[4].utf8)) as? [String: Any]
        XCTAssertEqual(fifth?["table"] as? String, "summary")
        let summary = try String(contentsOf: dir.appendingPathComponent("tables/summary.csv"), encoding: .utf8)
        XCTAssertTrue(summary.hasPrefix("point,metric,n,mean,sd,ci_low,ci_high\n"), summary)
        XCTAssertTrue(summary.contains("\n2,probe_x,2,3,0,3,3\n"), summary)
        let series = try String(contentsOf: dir.appendingPathComponent("tables/series.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(series.count, 1 + 8 * 3, "a header, then ticks 0, 3 and the last (5) of 8 runs")
        XCTAssertEqual(series[0], "run,point,replicate,tick,date,metric,value")
        XCTAssertTrue(series[2].hasPrefix("0,0,0,3,2023Q4,adopters,"), String(series[2]))
        let policies = try String(contentsOf: dir.appendingPathComponent("tables/policies.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(policies.count, 1 + 4)
    }

    func testResultsLeadWithTheRankedPoliciesAndKeepDetailsForTheAsking() throws {
        let dir = try project()
        try """
        return experiment {
          name = "probe against a baseline", scenario = "scenario.lua", seed = 8, replicates = 3,
          common_random_numbers = true,
          levers = { ["probe.x"] = { 0, 2, 5 } },
          uncertainties = { ["model.word_of_mouth"] = { min = 0.3, max = 0.6 } },
          design = { kind = "lhs", samples = 2 },
          baseline = { ["probe.x"] = 0 },
          record = { final = { "adopters", "probe_x", "spend_cumulative" } },
        }
        """.write(to: dir.appendingPathComponent("baseline.lua"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.uptake(["batch", "baseline.lua", "--out", "b.db", "--quiet"], in: dir).status, 0)
        let r = try cli.uptake(["results", "b.db", "--outcome", "probe_x"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 100 }, r.stdout)
        XCTAssertTrue(r.stdout.contains("Policies ranked by mean effect on probe_x"), r.stdout)
        // probe_x is the lever's value: x = 5 beats the baseline by exactly 5 in all 6 pairs.
        let best = try XCTUnwrap(lines.first { $0.hasPrefix("   1  probe.x=5") }, r.stdout)
        let cells = best.split(separator: " ").map(String.init)
        XCTAssertEqual(Array(cells[2...6]), ["+5", "[5,", "5]", "100%", "+5"], "effect, 95% CI, beats, worst: \(best)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("   2  probe.x=2") }, r.stdout)
        XCTAssertFalse(r.stdout.contains("Point 0"), r.stdout)
        let details = try cli.uptake(["results", "b.db", "--details"], in: dir)
        XCTAssertTrue(
            details.stdout.contains("Point 0: probe.x=0, model.word_of_mouth=")
                && details.stdout.contains("(baseline)"), details.stdout)
        let wrong = try cli.uptake(["results", "b.db", "--outcome", "probe_y"], in: dir)
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(
            wrong.stderr.contains("no final value 'probe_y'") && wrong.stderr.contains("probe_x"), wrong.stderr)
    }

    func testSlurmWritesAnArrayScriptAndMergeCombinesShards() throws {
        let dir = try project()
        let s = try cli.uptake(["slurm", "experiment.lua", "--shards", "2", "--out", "sweep"], in: dir)
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.stdout.contains("#SBATCH --array=1-2") && s.stdout.contains("--shard \"$K/2\""), s.stdout)
        for k in 1...2 {
            XCTAssertEqual(
                try cli.uptake(
                    ["batch", "experiment.lua", "--shard", "\(k)/2", "--out", "sweep-shard\(k)of2.db", "--quiet"],
                    in: dir
                ).status, 0)
        }
        let m = try cli.uptake(["merge", "sweep-shard1of2.db", "sweep-shard2of2.db", "--out", "merged.db"], in: dir)
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stdout.contains("8 of 8 runs"), m.stdout)
        XCTAssertEqual(
            try cli.uptake(["batch", "experiment.lua", "--out", "local.db", "--jobs", "2", "--quiet"], in: dir).status,
            0)
        XCTAssertEqual(
            try BatchCommandTests.dump(dir.appendingPathComponent("local.db").path),
            try BatchCommandTests.dump(dir.appendingPathComponent("merged.db").path))
    }
}
