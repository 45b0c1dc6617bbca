import Foundation
import XCTest
import UptakeTestSupport

/// Runs the built `uptake` binary as a user would.
final class CommandLineTests: XCTestCase {
    typealias Result = UptakeCLI.Result

    func uptake(_ arguments: [String], in directory: URL = Repository.root) throws -> Result {
        try UptakeCLI.run(arguments, in: directory)
    }

    func testRunPrintsSummaryAndWritesSeries() throws {
        let out = try TemporaryFolder.make()
        let r = try uptake(["run", "scenarios/baseline.lua", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Adoption: share of firms"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Critical mass: 5% at tick"), r.stdout)
        XCTAssertTrue(r.stdout.contains("2025Q4"), r.stdout)
        let csv = try String(contentsOf: out.appendingPathComponent("series.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 41)
        XCTAssertTrue(lines[0].hasPrefix("tick,date,firms,adopters,adoption,"))
    }

    func testSameSeedGivesByteIdenticalSeriesFiles() throws {
        let a = try TemporaryFolder.make(), b = try TemporaryFolder.make()
        XCTAssertEqual(
            try uptake(["run", "scenarios/baseline.lua", "--seed", "9", "--out", a.path, "--quiet"]).status, 0)
        XCTAssertEqual(
            try uptake(["run", "scenarios/baseline.lua", "--seed", "9", "--out", b.path, "--quiet", "--threads", "2"])
                .status, 0)
        let da = try Data(contentsOf: a.appendingPathComponent("series.csv")),
            db = try Data(contentsOf: b.appendingPathComponent("series.csv"))
        XCTAssertEqual(da, db)
    }

    func testASeedAsExportedFilesWriteItIsTheSameSeed() throws {
        let a = try TemporaryFolder.make(), b = try TemporaryFolder.make()
        XCTAssertEqual(
            try uptake(["run", "scenarios/baseline.lua", "--seed", "9451341060835768564", "--out", a.path, "--quiet"])
                .status, 0)
        XCTAssertEqual(
            try uptake(["run", "scenarios/baseline.lua", "--seed", "s9451341060835768564", "--out", b.path, "--quiet"])
                .status, 0)
        XCTAssertEqual(
            try Data(contentsOf: a.appendingPathComponent("series.csv")),
            try Data(contentsOf: b.appendingPathComponent("series.csv")))
        XCTAssertNotEqual(try uptake(["run", "scenarios/baseline.lua", "--seed", "x9", "--quiet"]).status, 0)
    }

    func testErrorsExitNonZeroWithOneLine() throws {
        let dir = try TemporaryFolder.make()
        try "return scenario {\n  ticks = 4,\n  firms = 100\n  seed = 1,\n}\n".write(
            to: dir.appendingPathComponent("bad.lua"), atomically: true, encoding: .utf8)
        let r = try uptake(["run", dir.appendingPathComponent("bad.lua").path, "--out", dir.path])
        XCTAssertNotEqual(r.status, 0)
        let message = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        XCTAssertTrue(message.contains("bad.lua:4:"), message)

        let wrong = try uptake(["run", "scenarios/baseline.lua", "--set", "tax-relief.rate=lots", "--out", dir.path])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(
            wrong.stderr.contains("--set tax-relief.rate=lots") && wrong.stderr.contains("must be a number"),
            wrong.stderr)
    }

    /// The hidden bench command refuses what it cannot time (no ticks crashed it after the run) with
    /// one line naming the option, and times a small case.
    func testBenchRefusesBadSizesAndTimesASmallCase() throws {
        for (arguments, option) in [
            (["--ticks", "0"], "--ticks"), (["--firms", "-5"], "--firms"), (["--repeats", "0"], "--repeats"),
            (["--threads", "0"], "--threads"), (["--degree", "1"], "--degree"), (["--p", "nan"], "--p"),
            (["--q", "-1"], "--q"),
        ] {
            let r = try uptake(["bench", "--firms", "100", "--ticks", "2", "--repeats", "1"] + arguments)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(option), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("crashed"), r.stderr)
        }
        let r = try uptake(["bench", "--rule", "rogers", "--firms", "500", "--ticks", "1", "--repeats", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("rogers: 500 firms x 1 ticks"), r.stdout)
    }

    func testFirmsOutWritesOneRowPerFirm() throws {
        let dir = try TemporaryFolder.make()
        let file = dir.appendingPathComponent("firms.csv")
        let r = try uptake([
            "run", "scenarios/baseline.lua", "--set", "firms.count=500", "--out", dir.path, "--firms-out", file.path,
            "--quiet",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 501)
        XCTAssertTrue(lines[0].hasPrefix("id,stage,adopted_tick,sector,size"))
    }

    /// Lua seeds string hashes per process, so raw `next` order can differ
    /// between two processes; Uptake's `pairs` and per-plugin random streams
    /// must make the output identical anyway.
    func testPairsAndRandomAreDeterministicAcrossProcesses() throws {
        let dir = try TemporaryFolder.make()
        let plugin = dir.appendingPathComponent("plugins/walker")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try "name = \"walker\"\nversion = \"1.0.0\"\napi = \"^1\"\n".write(
            to: plugin.appendingPathComponent("plugin.toml"), atomically: true, encoding: .utf8)
        try """
        local M = {}
        local names = {}
        for i = 1, 60 do names["firm_" .. string.char(65 + i % 26) .. i] = i end
        function M.after_tick(ctx)
          local acc, position = 0, 0
          for k, v in pairs(names) do
            position = position + 1
            acc = (acc * 31 + position * #k + v) % 1000000007
          end
          ctx.record("order_hash", acc)
          ctx.record("draw", math.random(1, 1000000) + ctx.random())
        end
        return M
        """.write(to: plugin.appendingPathComponent("init.lua"), atomically: true, encoding: .utf8)
        try "return scenario { ticks = 6, firms = 300, seed = 3, plugins = { \"walker\" } }\n"
            .write(to: dir.appendingPathComponent("walk.lua"), atomically: true, encoding: .utf8)
        var outputs: [Data] = []
        for run in 0..<2 {
            let out = dir.appendingPathComponent("out\(run)")
            let r = try uptake(["run", "walk.lua", "--out", out.path, "--quiet"], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            outputs.append(try Data(contentsOf: out.appendingPathComponent("series.csv")))
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(String(decoding: outputs[0], as: UTF8.self).contains("order_hash"))
    }

    /// A lever the rule does not use is named once on stderr; --quiet silences it like the plugins' log lines.
    func testALeverTheRuleIgnoresIsWarnedOnceAndQuietSilencesIt() throws {
        let dir = try TemporaryFolder.make()
        try """
        return scenario {
          ticks = 6, firms = 500,
          model = { rule = "bass" },
          plugins = { { "rd-subsidy", amount = 1e9 } },
        }
        """.write(to: dir.appendingPathComponent("bass.lua"), atomically: true, encoding: .utf8)
        let loud = try UptakeCLI.run(["run", "bass.lua", "--out", "loud"], in: dir)
        XCTAssertEqual(loud.status, 0, loud.stderr)
        let warnings = loud.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        XCTAssertEqual(warnings.count, 1, loud.stderr)
        XCTAssertTrue(warnings.first?.contains("lever 'rd_funding' (set by plugin 'rd-subsidy')") ?? false, loud.stderr)
        let quiet = try UptakeCLI.run(["run", "bass.lua", "--out", "quiet", "--quiet"], in: dir)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "")
    }
}
