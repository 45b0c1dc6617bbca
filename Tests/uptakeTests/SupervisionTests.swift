import Foundation
import GRDB
import XCTest
import UptakeTestSupport

/// Runs happen in supervised processes: a crash or a hang costs one run,
/// never the batch, and is reported with the plugin, hook and tick. Faults
/// are injected into the worker with UPTAKE_INJECT_FAULT (a real bad write,
/// or a block in a C call that no Lua limit can end).
final class SupervisionTests: XCTestCase {
    func uptake(_ arguments: [String], in dir: URL, fault: String? = nil) throws -> UptakeCLI.Result {
        try UptakeCLI.run(arguments, in: dir, environment: fault.map { ["UPTAKE_INJECT_FAULT": $0] } ?? [:])
    }

    /// The rows of one run, to compare runs across databases.
    func rows(_ path: String, run: Int) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try [
                "SELECT run, point, replicate, seed, status, error, ticks FROM runs WHERE run = ?",
                "SELECT * FROM outputs WHERE run = ? ORDER BY metric",
                "SELECT * FROM series WHERE run = ? ORDER BY tick, metric",
            ]
            .flatMap { try Row.fetchAll(db, sql: $0, arguments: [run]).map(\.description) }
        }
    }

    func error(of run: Int, in path: String) throws -> String? {
        try DatabaseQueue(path: path).read {
            try String.fetchOne($0, sql: "SELECT error FROM runs WHERE run = ? AND status = 'failed'", arguments: [run])
        }
    }

    func testWorkersGiveExactlyTheResultsOfTheInProcessRunner() throws {
        let dir = try BatchCommandTests.project(values: 3)
        XCTAssertEqual(
            try uptake(["batch", "experiment.lua", "--out", "p.db", "--jobs", "2", "--quiet"], in: dir).status, 0)
        XCTAssertEqual(
            try uptake(["batch", "experiment.lua", "--out", "t.db", "--jobs", "2", "--quiet", "--in-process"], in: dir)
                .status, 0)
        XCTAssertEqual(
            try BatchCommandTests.dump(dir.appendingPathComponent("p.db").path),
            try BatchCommandTests.dump(dir.appendingPathComponent("t.db").path))
    }

    func testACrashingRunIsRecordedWithWhereItWasAndTheBatchGoesOn() throws {
        let dir = try BatchCommandTests.project()
        let r = try uptake(
            ["batch", "experiment.lua", "--out", "c.db", "--jobs", "2", "--quiet"], in: dir, fault: "crash run=3 tick=2"
        )
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("1 of 8 runs failed"), r.stderr)
        let db = dir.appendingPathComponent("c.db").path
        let message = try XCTUnwrap(try error(of: 3, in: db))
        for part in [
            "killed by signal 11 (SIGSEGV)", "in plugin 'probe', hook after_tick, tick 2", "reproduce with: uptake run",
            "--seed", "--set probe.x=",
        ] {
            XCTAssertTrue(message.contains(part), "\(part): \(message)")
        }
        // Every other run is there, as an undisturbed batch has it.
        XCTAssertEqual(try uptake(["batch", "experiment.lua", "--out", "ref.db", "--quiet"], in: dir).status, 0)
        for run in (0..<8) where run != 3 {
            XCTAssertEqual(
                try rows(db, run: run), try rows(dir.appendingPathComponent("ref.db").path, run: run), "run \(run)")
        }
        // --resume keeps the failure; --retry-failed runs it again (here, without the fault: it passes).
        let resumed = try uptake(["batch", "experiment.lua", "--out", "c.db", "--resume", "--quiet"], in: dir)
        XCTAssertEqual(resumed.status, 3, resumed.stderr)
        XCTAssertNotNil(try error(of: 3, in: db))
        let retried = try uptake(
            ["batch", "experiment.lua", "--out", "c.db", "--resume", "--retry-failed", "--quiet"], in: dir)
        XCTAssertEqual(retried.status, 0, retried.stderr)
        XCTAssertEqual(
            try BatchCommandTests.dump(db), try BatchCommandTests.dump(dir.appendingPathComponent("ref.db").path))
    }

    func testAWorkerThatHangsInACCallIsKilledAtTheRunTimeout() throws {
        let dir = try BatchCommandTests.project()
        let r = try uptake(
            ["batch", "experiment.lua", "--out", "h.db", "--jobs", "2", "--quiet", "--run-timeout", "2"], in: dir,
            fault: "hang run=5 tick=1")
        XCTAssertEqual(r.status, 3, r.stderr)
        let message = try XCTUnwrap(try error(of: 5, in: dir.appendingPathComponent("h.db").path))
        XCTAssertTrue(
            message.contains("took longer than its wall-clock limit of 2 s")
                && message.contains("hook after_tick, tick 1"), message)
    }

    /// A project whose batch (to r.db, two workers) has run, with a temporary folder of its own
    /// (TMPDIR in `environment`) where the workers' files go.
    func finishedBatchWithOwnTemporaryFolder() throws -> (dir: URL, scratch: URL, environment: [String: String]) {
        let dir = try BatchCommandTests.project()
        let scratch = dir.appendingPathComponent("scratch")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let environment = ["TMPDIR": scratch.path]
        let first = try UptakeCLI.run(
            ["batch", "experiment.lua", "--out", "r.db", "--jobs", "2", "--quiet"], in: dir, environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
        return (dir, scratch, environment)
    }

    /// Workers start before the experiment is checked and its database opened (their start
    /// overlaps those): a batch stopped there ends them, prints only what is wrong, and
    /// leaves the database as it was and none of the workers' files behind.
    func testABatchStoppedBeforeItsRunsEndsTheWorkersItStarted() throws {
        let (dir, scratch, environment) = try finishedBatchWithOwnTemporaryFolder()
        let before = try BatchCommandTests.dump(dir.appendingPathComponent("r.db").path)
        let scenario = dir.appendingPathComponent("scenario.lua")
        try (try String(contentsOf: scenario, encoding: .utf8)).replacingOccurrences(
            of: "firms = 300", with: "firms = 301"
        )
        .write(to: scenario, atomically: true, encoding: .utf8)
        let r = try UptakeCLI.run(
            ["batch", "experiment.lua", "--out", "r.db", "--jobs", "2", "--resume", "--quiet"], in: dir,
            environment: environment)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(
            r.stderr.hasPrefix("Error: r.db: cannot resume: these results came from different inputs"), r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }.count, 1, r.stderr)
        XCTAssertEqual(try BatchCommandTests.dump(dir.appendingPathComponent("r.db").path), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
    }

    /// A resumed batch with nothing left to run started its workers for nothing: it ends them and says so.
    func testAResumedBatchWithNothingLeftEndsItsWorkers() throws {
        let (dir, scratch, environment) = try finishedBatchWithOwnTemporaryFolder()
        let again = try UptakeCLI.run(
            ["batch", "experiment.lua", "--out", "r.db", "--jobs", "2", "--resume"], in: dir, environment: environment)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("8 of 8 runs done (8 were already in r.db); 0 ran now"), again.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
    }

    func testRetryFailedGoesWithResume() throws {
        let dir = try BatchCommandTests.project()
        let r = try uptake(["batch", "experiment.lua", "--out", "x.db", "--retry-failed"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--retry-failed goes with --resume"), r.stderr)
        let bad = try uptake(["batch", "experiment.lua", "--out", "x.db", "--run-timeout", "nan"], in: dir)
        XCTAssertNotEqual(bad.status, 0)
    }

    /// The lines of stderr that are not plugin log lines.
    func errorLines(_ stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { !$0.hasPrefix("[") }
    }

    func testARunThatCrashesIsOneLineNamingPluginHookAndTick() throws {
        let dir = try BatchCommandTests.project()
        let r = try uptake(["run", "scenario.lua", "--out", "out"], in: dir, fault: "crash run=0 tick=4")
        XCTAssertEqual(r.status, 1, r.stderr)
        let lines = errorLines(r.stderr)
        XCTAssertEqual(lines.count, 1, r.stderr)
        let line = String(lines.first ?? "")
        for part in ["scenario.lua: the run crashed", "SIGSEGV", "in plugin 'probe', hook after_tick, tick 4"] {
            XCTAssertTrue(line.contains(part), "\(part): \(line)")
        }
    }

    func testARunThatHangsInACCallIsKilledAtItsWallClockLimit() throws {
        let dir = try BatchCommandTests.project()
        let r = try uptake(
            ["run", "scenario.lua", "--out", "out", "--max-seconds", "1"], in: dir, fault: "hang run=0 tick=2")
        XCTAssertEqual(r.status, 1, r.stderr)
        let line = String(errorLines(r.stderr).first ?? "")
        XCTAssertTrue(
            line.contains(
                "passed its wall-clock limit of 1.0 s and was killed, in plugin 'probe', hook after_tick, tick 2"), line
        )
    }
}

extension SupervisionTests {
    func testAWorkerOverItsMemoryLimitIsKilledAndItsRunRecorded() throws {
        let dir = try BatchCommandTests.project()
        // A worker holds far more than 1 MiB: the first check after the run stalls finds it over.
        let r = try uptake(
            ["batch", "experiment.lua", "--out", "m.db", "--jobs", "1", "--quiet", "--worker-memory", "1"], in: dir,
            fault: "hang run=2 tick=1")
        XCTAssertEqual(r.status, 3, r.stderr)
        let message = try XCTUnwrap(try error(of: 2, in: dir.appendingPathComponent("m.db").path))
        XCTAssertTrue(message.contains("more than the worker memory limit of 1 MiB"), message)
    }
}
