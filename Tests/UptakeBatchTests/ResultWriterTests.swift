import XCTest
import UptakeTestSupport
@testable import UptakeBatch

/// Results of finished runs are committed in groups when runs end fast, each
/// result at most `groupSeconds` after the last commit when the supervisor
/// keeps calling `commitIfDue`, and all of them before a Ctrl-C ends the
/// process. What the database holds is read through a connection of its own,
/// which sees committed rows only.
final class ResultWriterTests: XCTestCase {
    /// An empty results database (a finished batch's, its runs deleted).
    func emptyStore() throws -> (ResultStore, String) {
        let f = try TemporaryProject()
        try f.scenario()
        let e = try f.experiment(
            """
              scenario = "scenario.lua", seed = 3, replicates = 1,
              uncertainties = { homophily = { min = 0.2, max = 0.8 } },
              design = { kind = "lhs", samples = 2 },
            """)
        let (_, db) = try f.batch(e, out: "w.db")
        let store = try ResultStore.open(db)
        try store.write { db in
            for table in ["runs", "outputs", "series"] { try db.execute(sql: "DELETE FROM \(table)") }
        }
        return (store, db)
    }

    func result(_ run: Int) -> RunResult {
        RunResult(
            run: run, point: 0, replicate: run, seed: UInt64(run), status: .ok, error: nil, ticks: 2,
            durationSeconds: 0.001, outputs: [("adoption", 0.5)], series: [(0, "adoption", 0.1), (1, "adoption", 0.2)])
    }

    func committed(_ db: String) throws -> Int { try ResultStore.count(db, "SELECT count(*) FROM runs") }

    func testFastRunsAreCommittedInGroupsAndNoneIsLeftBehind() throws {
        let (store, db) = try emptyStore()
        let writer = ResultWriter(store: store, replacing: false, grouped: true)
        try writer.add(result(0), now: 10)
        XCTAssertEqual(try committed(db), 1, "the first result after a pause is committed at once")
        for run in 1..<ResultWriter.groupRuns {
            try writer.add(result(run), now: 10.001)
        }
        XCTAssertEqual(try committed(db), 1, "31 waiting: not yet a group")
        try writer.add(result(ResultWriter.groupRuns), now: 10.002)
        XCTAssertEqual(try committed(db), 1 + ResultWriter.groupRuns, "a full group is committed")
        try writer.add(result(100), now: 10.003)
        try writer.commitIfDue(now: 10.003 + ResultWriter.groupSeconds / 2)
        XCTAssertEqual(try committed(db), 1 + ResultWriter.groupRuns, "not due yet")
        try writer.commitIfDue(now: 10.003 + ResultWriter.groupSeconds)
        XCTAssertEqual(try committed(db), 2 + ResultWriter.groupRuns, "due: committed while waiting for workers")
        try writer.add(result(101), now: 20)
        XCTAssertEqual(try committed(db), 3 + ResultWriter.groupRuns, "slow runs: each committed as it ends")
        try writer.add(result(102), now: 20.001)
        try writer.commit()
        XCTAssertEqual(try committed(db), 4 + ResultWriter.groupRuns)
        XCTAssertEqual(writer.storedRuns, 4 + ResultWriter.groupRuns)
        XCTAssertEqual(try ResultStore.count(db, "SELECT count(*) FROM series"), 2 * (4 + ResultWriter.groupRuns))
    }

    func testUngroupedEveryResultIsCommittedAsItIsAdded() throws {
        let (store, db) = try emptyStore()
        let writer = ResultWriter(store: store, replacing: false, grouped: false)
        for run in 0..<5 {
            try writer.add(result(run), now: 1)
            XCTAssertEqual(try committed(db), run + 1)
        }
    }

    /// What a signal handler does before it ends the process: the running batch's waiting
    /// results are committed; with no batch running, nothing happens.
    func testCommitBeforeExitCommitsTheActiveWritersResults() throws {
        let (store, db) = try emptyStore()
        let writer = ResultWriter(store: store, replacing: false, grouped: true)
        try writer.add(result(0), now: 5)
        try writer.add(result(1), now: 5.001)
        try writer.add(result(2), now: 5.002)
        XCTAssertEqual(try committed(db), 1)
        XCTAssertNil(ResultWriter.commitBeforeExit(), "no writer active: nothing to do")
        XCTAssertEqual(try committed(db), 1)
        writer.activate()
        XCTAssertNil(ResultWriter.commitBeforeExit())
        XCTAssertEqual(try committed(db), 3)
        try writer.add(result(3), now: 5.003)
        writer.resign()
        XCTAssertNil(ResultWriter.commitBeforeExit())
        XCTAssertEqual(try committed(db), 3, "resigned: no longer the batch's writer")
    }

    /// A group that cannot be written is an error, and its results stay waiting (not counted as stored).
    func testAGroupThatCannotBeWrittenIsNotCountedAsStored() throws {
        let (store, db) = try emptyStore()
        let writer = ResultWriter(store: store, replacing: false, grouped: true)
        try writer.add(result(0), now: 1)
        try writer.add(result(0), now: 1.001)  // the same run again: its rows are there already
        XCTAssertThrowsError(try writer.commit())
        XCTAssertEqual(writer.storedRuns, 1)
        XCTAssertEqual(try committed(db), 1, "the failed group was rolled back whole")
    }
}
