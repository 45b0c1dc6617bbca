import Foundation
import XCTest
import UptakeTestSupport

/// Every output path of every command: missing folders are made (with
/// spaces in their names too), a file or folder in the way and a file
/// system that refuses files are one line naming the path and the reason,
/// and a failed or interrupted command leaves nothing half written.
final class OutputPathTests: XCTestCase {
    func uptake(_ arguments: [String], in dir: URL) throws -> UptakeCLI.Result { try UptakeCLI.run(arguments, in: dir) }

    /// Everything under `dir`, relative, sorted: to show that nothing appeared.
    /// (SQLite's -wal and -shm files, which reading a database may make, aside.)
    func tree(_ dir: URL) -> [String] {
        (FileManager.default.subpaths(atPath: dir.path) ?? []).filter {
            !$0.hasSuffix(".db-wal") && !$0.hasSuffix(".db-shm")
        }.sorted()
    }

    func testTheReadmesFirstBatchWorksWithoutAnOutFolder() throws {
        let dir = try BatchCommandTests.project()
        let r = try uptake(["batch", "experiment.lua", "--out", "out/sweep.db", "--jobs", "2", "--quiet"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(BatchCommandTests.runCount(dir.appendingPathComponent("out/sweep.db").path), 8)
    }

    func testEveryCommandMakesTheFoldersOfItsOutputsEvenWithSpacesInTheirNames() throws {
        let dir = try BatchCommandTests.project()
        let commands: [([String], [String])] = [
            (
                [
                    "run", "scenario.lua", "--out", "my results/run 1", "--firms-out", "my results/firms/all firms.csv",
                    "--quiet",
                ],
                ["my results/run 1/series.csv", "my results/firms/all firms.csv"]
            ),
            (["batch", "experiment.lua", "--out", "my results/sweep 1.db", "--quiet"], ["my results/sweep 1.db"]),
            (
                ["results", "my results/sweep 1.db", "--csv", "my results/tables 1"],
                ["my results/tables 1/summary.csv", "my results/tables 1/series.csv"]
            ),
            (["batch", "experiment.lua", "--shard", "1/2", "--out", "shards/one.db", "--quiet"], ["shards/one.db"]),
            (["batch", "experiment.lua", "--shard", "2/2", "--out", "shards/two.db", "--quiet"], ["shards/two.db"]),
            (["merge", "shards/one.db", "shards/two.db", "--out", "merged dir/all.db"], ["merged dir/all.db"]),
            (
                [
                    "slurm", "experiment.lua", "--shards", "2", "--out", "cluster out/sweep", "--script",
                    "jobs dir/sweep.sbatch",
                ],
                ["jobs dir/sweep.sbatch", "cluster out"]
            ),
            (["plugin", "pack", "plugins/probe", "--out", "dist dir"], ["dist dir/probe-1.0.0.zip"]),
            (["plugin", "new", "fresh-policy", "--in", "new plugins"], ["new plugins/fresh-policy/plugin.toml"]),
            (["api", "--luals", "editor defs"], ["editor defs/uptake.d.lua"]),
        ]
        for (arguments, made) in commands {
            let r = try uptake(arguments, in: dir)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            for path in made {
                XCTAssertTrue(
                    FileManager.default.fileExists(atPath: dir.appendingPathComponent(path).path),
                    "\(arguments) made no \(path)")
            }
        }
        let script = try FileManager.default.attributesOfItem(
            atPath: dir.appendingPathComponent("jobs dir/sweep.sbatch").path)
        XCTAssertEqual((script[.posixPermissions] as? Int ?? 0) & 0o100, 0o100, "the script is executable")
        XCTAssertEqual(tree(dir).filter { $0.contains(".partial-") }, [], "no temporary file is left")
    }

    func testAFileWhereAFolderShouldBeIsNamedAndNothingIsMade() throws {
        let dir = try BatchCommandTests.project()
        XCTAssertEqual(try uptake(["batch", "experiment.lua", "--out", "r.db", "--quiet"], in: dir).status, 0)
        XCTAssertEqual(
            try uptake(["batch", "experiment.lua", "--shard", "1/2", "--out", "s1.db", "--quiet"], in: dir).status, 0)
        try "a file, not a folder\n".write(to: dir.appendingPathComponent("blocker"), atomically: true, encoding: .utf8)
        let before = tree(dir)
        let blocker = dir.appendingPathComponent("blocker").path
        let inTheWay = "\(blocker) is a file, not a folder"
        let commands: [[String]: String] = [
            ["run", "scenario.lua", "--out", "blocker/out"]:
                "Error: cannot create the folder \(blocker)/out: \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
            ["run", "scenario.lua", "--out", "fine", "--firms-out", "blocker/firms.csv"]:
                "Error: cannot create the folder \(blocker): \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
            ["batch", "experiment.lua", "--out", "blocker/r.db"]:
                "Error: blocker/r.db: cannot create the results database: cannot create the folder \(blocker): \(inTheWay). Remove or rename that file, or choose another --out",
            ["merge", "s1.db", "--out", "blocker/m.db"]:
                "Error: blocker/m.db: cannot create the merged database: cannot create the folder \(blocker): \(inTheWay). Remove or rename that file, or choose another --out",
            ["results", "r.db", "--csv", "blocker/tables"]:
                "Error: cannot create the folder \(blocker)/tables: \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
            ["slurm", "experiment.lua", "--shards", "2", "--out", "sweep", "--script", "blocker/s.sbatch"]:
                "Error: cannot create the folder \(blocker): \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
            ["slurm", "experiment.lua", "--shards", "2", "--out", "blocker/sweep"]:
                "Error: cannot create the folder \(blocker): \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
            ["plugin", "pack", "plugins/probe", "--out", "blocker/dist"]:
                "Error: cannot create the folder \(blocker)/dist: \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
            ["plugin", "new", "fresh", "--in", "blocker"]:
                "Error: cannot create the folder \(blocker): \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
            ["api", "--luals", "blocker/defs"]:
                "Error: cannot create the folder \(blocker)/defs: \(inTheWay); nothing there was changed. Remove or rename that file, or choose another output",
        ]
        for (arguments, message) in commands {
            let r = try uptake(arguments, in: dir)
            XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)")
            XCTAssertEqual(UptakeCLI.errorLine(r.stderr), message, "\(arguments)")
            XCTAssertEqual(tree(dir), before, "\(arguments) left something behind")
        }
    }

    func testAFolderWhereAFileShouldBeIsNamed() throws {
        let dir = try BatchCommandTests.project()
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("taken"), withIntermediateDirectories: true)
        let run = try uptake(["run", "scenario.lua", "--out", "out", "--firms-out", "taken"], in: dir)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(
            UptakeCLI.errorLine(run.stderr),
            "Error: cannot write taken: it is a folder; nothing there was changed. Give a file name instead, e.g. taken/results"
        )
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path),
            "no series without the firms")
        let batch = try uptake(["batch", "experiment.lua", "--out", "taken"], in: dir)
        XCTAssertEqual(batch.status, 1)
        XCTAssertEqual(
            UptakeCLI.errorLine(batch.stderr),
            "Error: taken: this is a folder, not a results database. Give a file name for --out, e.g. taken/results.db")
    }

    /// A folder that refuses new files, without relying on permissions (the tests run as root).
    func testAFileSystemThatRefusesFilesIsSaidInWords() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self") else { throw XCTSkip("no /proc here") }
        let dir = try BatchCommandTests.project()
        let refused = "the file system of /proc does not allow new files or folders there"
        let run = try uptake(["run", "scenario.lua", "--out", "/proc/uptake-out"], in: dir)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(
            UptakeCLI.errorLine(run.stderr),
            "Error: cannot create the folder /proc/uptake-out: \(refused); nothing there was changed. Choose an ordinary folder, e.g. out/"
        )
        let batch = try uptake(["batch", "experiment.lua", "--out", "/proc/uptake.db"], in: dir)
        XCTAssertEqual(batch.status, 1)
        XCTAssertEqual(
            UptakeCLI.errorLine(batch.stderr),
            "Error: /proc/uptake.db: cannot create the results database: \(refused). Choose an ordinary folder, e.g. out/"
        )
    }

    /// Ctrl-C or SIGTERM while `uptake run` works: exit status 130, where the run was, and no output at all.
    func testAnInterruptedRunWritesNothingAndSaysWhereItWas() throws {
        for signal in [SIGINT, SIGTERM] {
            let dir = try BatchCommandTests.project(
                pluginBody: "function m.on_tick(ctx) if ctx.tick == 2 then ctx.log(\"tick 2 under way\") end end")
            let out = dir.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try "earlier results\n".write(
                to: out.appendingPathComponent("series.csv"), atomically: true, encoding: .utf8)
            // The run stops for good at tick 3 (a block in a C call), so the signal always finds it running.
            let run = try UptakeCLI.Background(
                ["run", "scenario.lua", "--out", "out", "--firms-out", "firms/firms.csv"], in: dir,
                environment: ["UPTAKE_INJECT_FAULT": "hang run=0 tick=3"])
            XCTAssertTrue(run.waitFor("tick 2 under way"), run.output)
            kill(run.process.processIdentifier, signal)  // to the supervisor alone: it passes the signal on
            XCTAssertEqual(run.finish(), 130, run.output)
            let line = UptakeCLI.errorLine(run.output)
            XCTAssertTrue(
                [
                    "interrupted at tick 2 (2023Q3) of 6; nothing written",
                    "interrupted at tick 3 (2023Q4) of 6; nothing written",
                ].contains(line),
                line)
            XCTAssertEqual(
                try String(contentsOf: out.appendingPathComponent("series.csv"), encoding: .utf8), "earlier results\n")
            XCTAssertEqual(tree(out), ["series.csv"])
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("firms").path))
        }
    }

    /// Ctrl-C in the other commands: the temporary files of outputs being
    /// written are removed (see OutputFileTests) and the status is 130.
    func testAnInterruptedCommandEndsWith130AndWritesNothing() throws {
        let dir = try TemporaryFolder.make()
        let plugin = dir.appendingPathComponent("plugins/slow")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try "name = \"slow\"\nversion = \"1.0.0\"\napi = \"^1\"\n".write(
            to: plugin.appendingPathComponent("plugin.toml"), atomically: true, encoding: .utf8)
        // Loading takes minutes: the signal always finds plugin lock at work.
        try "print(\"loading slow\")\nfor i = 1, 1e11 do end\nreturn {}\n".write(
            to: plugin.appendingPathComponent("init.lua"), atomically: true, encoding: .utf8)
        try
            "return scenario { ticks = 1, firms = 10, plugins = { \"slow\" }, limits = { instructions = 2147483647000 } }\n"
            .write(to: dir.appendingPathComponent("scenarios/s.lua"), atomically: true, encoding: .utf8)
        let lock = try UptakeCLI.Background(["plugin", "lock"], in: dir)
        XCTAssertTrue(lock.waitFor("loading slow"), lock.output)
        kill(lock.process.processIdentifier, SIGINT)
        XCTAssertEqual(lock.finish(), 130, lock.output)
        XCTAssertTrue(lock.output.hasSuffix("interrupted; no output was left half written\n"), lock.output)
        XCTAssertEqual(
            tree(dir),
            [
                "plugins", "plugins/slow", "plugins/slow/init.lua", "plugins/slow/plugin.toml", "scenarios",
                "scenarios/s.lua",
            ])
    }
}
