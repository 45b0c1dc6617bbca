import XCTest
import UptakeTestSupport
@testable import UptakeBatch
import UptakeScripting

/// Which build of uptake made a results database, and why `--resume` and
/// `merge` refuse results of another build unless told `--allow-other-build`.
final class ProgramBuildTests: XCTestCase {
    static let other = ProgramBuild(version: "0.2.0", commit: "9c1d2e4f00000000000000000000000000000000")

    func testABuildIsSaidWithItsVersionAndShortCommit() {
        XCTAssertEqual(ProgramBuild.fixture.description, "uptake 0.2.0 (commit 3e6b581)")
        let dirty = ProgramBuild(version: "0.2.0", commit: ProgramBuild.fixture.commit, changes: "595c0059bd")
        XCTAssertEqual(dirty.description, "uptake 0.2.0 (commit 3e6b581+dirty)")
        XCTAssertEqual(dirty.detailedDescription, "uptake 0.2.0 (commit 3e6b581, changes 595c0059bd)")
        XCTAssertEqual(ProgramBuild(version: "0.2.0", commit: "unknown").description, "uptake 0.2.0 (commit unknown)")
        XCTAssertEqual(ProgramBuild(version: "0.2.0", commit: "").description, "uptake 0.2.0 (commit unknown)")
    }

    func testTheStoredIdentityReadsBackAsTheSameBuild() {
        let dirty = ProgramBuild(version: "0.2.0", commit: ProgramBuild.fixture.commit, changes: "595c0059bd")
        for build in [ProgramBuild.fixture, dirty, ProgramBuild(version: "0.2.0", commit: "unknown")] {
            XCTAssertEqual(ProgramBuild(version: build.version, identity: build.identity), build)
        }
        // uptake 0.1 stored no commit: its databases read as "commit unknown".
        XCTAssertEqual(ProgramBuild(version: "0.1.0", identity: "").description, "uptake 0.1.0 (commit unknown)")
    }

    func sweep(_ f: TemporaryProject) throws -> Experiment {
        try f.scenario(plugins: "{ \"tax-relief\", rate = 0 },", firms: 100, ticks: 3)
        return try f.experiment(
            """
              scenario = "scenario.lua", seed = 3, replicates = 2,
              levers = { ["tax-relief.rate"] = { 0, 0.5 } },
            """)
    }

    func testTheDatabaseRecordsTheBuildThatMadeIt() throws {
        let f = try TemporaryProject()
        let (_, db) = try f.batch(try sweep(f))
        let store = try ResultStore.open(db, readOnly: true)
        XCTAssertEqual(try store.provenance().program, ProgramBuild.fixture)
        let meta = try store.metadata()
        XCTAssertEqual(meta["program_version"], "0.2.0")
        XCTAssertEqual(meta["program_commit"], ProgramBuild.fixture.commit)
    }

    func testResumeRefusesAnotherBuildSayingBothAndTheFixAndChangesNothing() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        let (_, db) = try f.batch(e, shard: Shard(index: 1, count: 2), out: "r.db")
        let before = try ResultStore.dump(db)
        XCTAssertThrowsError(
            try f.batch(e, shard: Shard(index: 1, count: 2), resume: true, out: "r.db", program: Self.other)
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "\(db): cannot resume: another build of uptake made these results "
                    + "(uptake 0.2.0 (commit 3e6b581); this is uptake 0.2.0 (commit 9c1d2e4)), "
                    + "and runs of two builds should not be mixed in one database. Resume with the build that made them, "
                    + "start a new batch with another --out, or add --allow-other-build to mix them anyway (the database then lists both builds)"
            )
        }
        XCTAssertEqual(try ResultStore.dump(db), before)
    }

    func testTwoDirtyBuildsOfOneCommitAreToldApartByTheirChanges() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        let mine = ProgramBuild(version: "0.2.0", commit: ProgramBuild.fixture.commit, changes: "1111111111")
        let yours = ProgramBuild(version: "0.2.0", commit: ProgramBuild.fixture.commit, changes: "2222222222")
        _ = try f.batch(e, shard: Shard(index: 1, count: 2), out: "r.db", program: mine)
        XCTAssertThrowsError(
            try f.batch(e, shard: Shard(index: 1, count: 2), resume: true, out: "r.db", program: yours)
        ) { error in
            XCTAssertTrue(
                "\(error)".contains(
                    "(uptake 0.2.0 (commit 3e6b581, changes 1111111111); this is uptake 0.2.0 (commit 3e6b581, changes 2222222222))"
                ),
                "\(error)")
        }
        XCTAssertNoThrow(try f.batch(e, shard: Shard(index: 1, count: 2), resume: true, out: "r.db", program: mine))
    }

    func testResumeWithAllowOtherBuildGoesOnAndListsTheOtherBuild() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        let (_, db) = try f.batch(e, out: "r.db")
        let store = try ResultStore.open(db)
        try store.write { db in
            for table in ["runs", "outputs", "series"] { try db.execute(sql: "DELETE FROM \(table) WHERE run >= 2") }
        }
        let (summary, _) = try f.batch(e, resume: true, out: "r.db", program: Self.other, allowOtherBuild: true)
        XCTAssertEqual(summary.ranNow, 2)
        let after = try ResultStore.open(db, readOnly: true)
        XCTAssertEqual(
            try after.provenance().program, ProgramBuild.fixture, "the database still says which build made it")
        XCTAssertEqual(try after.metadata()["other_builds"], "uptake 0.2.0 (commit 9c1d2e4)")
    }

    func testADatabaseOfUptake01IsAnotherBuild() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        let (_, db) = try f.batch(e, out: "r.db")
        let store = try ResultStore.open(db)
        try store.write { db in
            try db.execute(sql: "UPDATE provenance SET version = '0.1.0', hash = '' WHERE kind = 'program'")
            try db.execute(sql: "DELETE FROM experiment WHERE key = 'program_commit'")
        }
        XCTAssertThrowsError(try f.batch(e, resume: true, out: "r.db")) { error in
            XCTAssertTrue(
                "\(error)".contains("(uptake 0.1.0 (commit unknown); this is uptake 0.2.0 (commit 3e6b581))"),
                "\(error)")
        }
    }

    func testMergeRefusesShardsOfAnotherBuildUnlessAllowedAndThenListsIt() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        let first = try f.batch(e, shard: Shard(index: 1, count: 2), out: "s1.db").1
        let second = try f.batch(e, shard: Shard(index: 2, count: 2), out: "s2.db", program: Self.other).1
        XCTAssertThrowsError(try ResultsMerger.merge([first, second], into: f.path("m.db"))) { error in
            XCTAssertEqual(
                "\(error)",
                "\(second): this shard was made by another build of uptake than \(first) "
                    + "(uptake 0.2.0 (commit 9c1d2e4) versus uptake 0.2.0 (commit 3e6b581)). "
                    + "Re-run the shard with the build that made the others (uptake --version says which build runs), "
                    + "or add --allow-other-build to merge them anyway (the merged database then lists every build)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.path("m.db")))
        let report = try ResultsMerger.merge([first, second], into: f.path("m.db"), allowOtherBuild: true)
        XCTAssertEqual(report.runs, 4)
        let merged = try ResultStore.open(f.path("m.db"), readOnly: true)
        XCTAssertEqual(try merged.provenance().program, ProgramBuild.fixture)
        XCTAssertEqual(try merged.metadata()["other_builds"], "uptake 0.2.0 (commit 9c1d2e4)")
    }
}
