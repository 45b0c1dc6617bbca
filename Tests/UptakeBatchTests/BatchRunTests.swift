import XCTest
import UptakeTestSupport
@testable import UptakeBatch
import UptakeKernel
import UptakeLocks
import UptakeScripting

final class BatchRunTests: XCTestCase {
    /// A sweep of the word-of-mouth strength under an uncertain homophily, with replicates and a series.
    func sweep(_ f: TemporaryProject, crn: Bool = true) throws -> Experiment {
        try f.scenario(plugins: "{ \"tax-relief\", rate = 0 },")
        return try f.experiment(
            """
              scenario = "scenario.lua", seed = 3, replicates = 3, common_random_numbers = \(crn),
              levers = { ["tax-relief.rate"] = { 0, 0.5 } },
              uncertainties = { homophily = { min = 0.2, max = 0.8 } },
              design = { kind = "lhs", samples = 2 },
              baseline = { ["tax-relief.rate"] = 0 },
              record = { series = { "adoption", "adopters" }, every = 2 },
            """)
    }

    func testOneAndTwoJobsGiveIdenticalDatabases() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        let (one, a) = try f.batch(e, jobs: 1, out: "one.db")
        let (_, b) = try f.batch(e, jobs: 2, out: "two.db")
        XCTAssertEqual(one.ranNow, 12)
        XCTAssertEqual(one.failed, 0)
        XCTAssertEqual(try ResultStore.dump(a), try ResultStore.dump(b))
        // Whole runs were stored: 5 final values each and series every 2 ticks plus the last (ticks 0, 2, 4, 5).
        XCTAssertEqual(try ResultStore.count(a, "SELECT count(*) FROM outputs"), 12 * 5)
        XCTAssertEqual(try ResultStore.count(a, "SELECT count(DISTINCT tick) FROM series"), 4)
        XCTAssertEqual(
            try ResultStore.count(a, "SELECT count(DISTINCT seed) FROM runs"), 3, "CRN: one seed per replicate")
    }

    func testResumeRunsExactlyTheMissingRunsWithIdenticalResults() throws {
        let f = try TemporaryProject()
        let e = try sweep(f, crn: false)
        let (_, full) = try f.batch(e, out: "full.db")
        // An interrupted batch: only the first shard of three got done (the CLI test kills a real process).
        _ = try f.batch(e, out: "partial.db")
        let (partial, db) = try interrupted(f)
        XCTAssertGreaterThan(partial, 0)
        let (resumed, _) = try f.batch(e, resume: true, out: "partial.db")
        XCTAssertEqual(resumed.alreadyRecorded, partial)
        XCTAssertEqual(resumed.ranNow, 12 - partial)
        XCTAssertEqual(try ResultStore.dump(full), try ResultStore.dump(db))
        XCTAssertEqual(try ResultStore.count(db, "SELECT count(DISTINCT seed) FROM runs"), 12, "two runs share a seed")
    }

    /// Deletes some runs from a finished database, as a crash would leave it (whole runs only).
    func interrupted(_ f: TemporaryProject) throws -> (Int, String) {
        let db = f.path("partial.db")
        let store = try ResultStore.open(db)
        try store.write { db in
            for table in ["runs", "outputs", "series"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE run % 3 != 0")
            }
        }
        return (try ResultStore.count(db, "SELECT count(*) FROM runs"), db)
    }

    func testResumeRefusesChangedInputs() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        _ = try f.batch(e, shard: try Shard(parsing: "1/2"), out: "r.db")
        try f.scenario(plugins: "{ \"tax-relief\", rate = 0.1 },")
        XCTAssertThrowsError(try f.batch(e, shard: try Shard(parsing: "1/2"), resume: true, out: "r.db")) { error in
            XCTAssertTrue("\(error)".contains("cannot resume") && "\(error)".contains("scenario"), "\(error)")
        }
        XCTAssertThrowsError(try f.batch(e, out: "r.db")) { XCTAssertTrue("\($0)".contains("--resume"), "\($0)") }
    }

    func testAFailingPluginFailsItsRunsWithTheMessageAndTheBatchGoesOn() throws {
        let f = try TemporaryProject()
        try f.plugin(
            "fragile", numbers: ["x"],
            initLua: """
                local m = {}
                function m.on_tick(ctx)
                  if ctx.params.x > 0.5 and ctx.tick == 2 then error("x is too large for this plugin") end
                end
                return m
                """)
        try f.scenario(plugins: "{ \"fragile\" },")
        let e = try f.experiment(
            """
              scenario = "scenario.lua", replicates = 2,
              levers = { ["fragile.x"] = { 0, 1, 0.25 } },
            """)
        let (summary, db) = try f.batch(e, jobs: 2)
        XCTAssertEqual(summary.ranNow, 6)
        XCTAssertEqual(summary.failed, 2)
        let data = try ResultsData(store: try ResultStore.open(db, readOnly: true))
        XCTAssertEqual(data.failures.map(\.point), [1, 1])
        for failure in data.failures {
            let message = failure.error ?? ""
            XCTAssertTrue(
                message.contains("x is too large") && message.contains("fragile") && message.contains("tick 2"), message
            )
        }
        XCTAssertEqual(data.runs.filter { $0.status == "ok" }.count, 4)
        XCTAssertTrue(ResultsSummary(data).text.contains("Failed runs (2)"))
    }

    func testShardsMergeIntoTheSameResultsAndMixedExperimentsAreRefused() throws {
        let f = try TemporaryProject()
        let e = try sweep(f)
        let (_, full) = try f.batch(e, jobs: 2, out: "full.db")
        var shards: [String] = []
        for k in 1...3 { shards.append(try f.batch(e, shard: Shard(index: k, count: 3), out: "s\(k).db").1) }
        let report = try ResultsMerger.merge(shards, into: f.path("merged.db"))
        XCTAssertEqual(report.runs, 12)
        XCTAssertEqual(try ResultStore.dump(full), try ResultStore.dump(f.path("merged.db")))

        let other = try f.experiment(
            """
              scenario = "scenario.lua", seed = 4,
              levers = { ["tax-relief.rate"] = { 0, 0.5 } },
            """, name: "other.lua")
        let foreign = try f.batch(other, shard: Shard(index: 2, count: 3), out: "foreign.db").1
        XCTAssertThrowsError(try ResultsMerger.merge([shards[0], foreign], into: f.path("bad.db"))) {
            XCTAssertTrue("\($0)".contains("another experiment"), "\($0)")
        }
        XCTAssertThrowsError(try ResultsMerger.merge([shards[0], shards[0]], into: f.path("twice.db"))) {
            XCTAssertTrue("\($0)".contains("twice"), "\($0)")
        }
    }

    func testPairedDifferencesAndCostEffectivenessAgainstTheBaseline() throws {
        let f = try TemporaryProject()
        let (_, db) = try f.batch(try sweep(f))
        let summary = ResultsSummary(try ResultsData(store: try ResultStore.open(db, readOnly: true)))
        // Points 0-1 are the baseline (rate 0) under two uncertainty samples; points 2-3 the relief.
        XCTAssertEqual(summary.differences.filter { $0.point < 2 }.count, 0)
        let spend = try XCTUnwrap(summary.differences.first { $0.point == 2 && $0.metric == "spend_cumulative" })
        XCTAssertEqual(spend.baselinePoint, 0)
        XCTAssertEqual(spend.statistics.count, 3)
        XCTAssertGreaterThan(spend.statistics.mean, 0, "tax relief forgoes revenue")
        let ce = try XCTUnwrap(summary.costEffectiveness.first { $0.point == 3 })
        XCTAssertEqual(
            ce.extraSpend,
            summary.differences.first { $0.point == 3 && $0.metric == "spend_cumulative" }!.statistics.mean)
        XCTAssertNotNil(ce.adoptersPerMillionYuan)
        XCTAssertTrue(
            summary.text(details: true).contains("extra adopters per million yuan"), summary.text(details: true))
    }

    func testAValueOutOfRangeIsOneErrorAtTheExperimentLineBeforeAnyRun() throws {
        let f = try TemporaryProject()
        try f.scenario(plugins: "{ \"tax-relief\", rate = 0 },")
        let e = try f.experiment(
            """
              scenario = "scenario.lua",
              replicates = 2,
              levers = {
                ["tax-relief.rate"] = { 0, 0.5, 7 },
              },
            """)
        XCTAssertThrowsError(try f.batch(e)) { error in
            let d = error as? Diagnostic
            XCTAssertEqual(d?.file, e.file)
            XCTAssertEqual(d?.line, 5)
            XCTAssertTrue(
                "\(error)".contains("with tax-relief.rate=7") && "\(error)".contains("above its maximum 2"), "\(error)")
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: f.path("results.db")), "no database for a refused experiment")
    }

    func testStopConditionEndsRunsEarly() throws {
        let f = try TemporaryProject()
        try f.scenario(ticks: 30)
        let e = try f.experiment(
            """
              scenario = "scenario.lua",
              levers = { ["model.word_of_mouth"] = { 0.5 } },
              stop = { metric = "adoption", at_least = 0.06 },
            """)
        let (_, db) = try f.batch(e)
        let data = try ResultsData(store: try ResultStore.open(db, readOnly: true))
        let run = try XCTUnwrap(data.runs.first)
        let ticks = try XCTUnwrap(run.outputs["ticks_run"])
        XCTAssertLessThan(ticks, 30)
        XCTAssertGreaterThanOrEqual(run.outputs["adoption"] ?? 0, 0.06)
    }

    /// A stop condition can watch any column of the outputs, a breakdown's too.
    func testStopConditionWatchesABreakdownColumn() throws {
        let f = try TemporaryProject()
        try f.scenario(ticks: 30)
        let e = try f.experiment(
            """
              scenario = "scenario.lua",
              levers = { ["model.word_of_mouth"] = { 0.5 } },
              record = { final = { "adoption_large", "stage_adopted" } },
              stop = { metric = "adoption_large", at_least = 0.2 },
            """)
        let (_, db) = try f.batch(e)
        let run = try XCTUnwrap(try ResultsData(store: try ResultStore.open(db, readOnly: true)).runs.first)
        XCTAssertLessThan(try XCTUnwrap(run.outputs["ticks_run"]), 30)
        XCTAssertGreaterThanOrEqual(run.outputs["adoption_large"] ?? 0, 0.2)
    }

    /// A misspelt stop metric fails each run with a did-you-mean, instead of never stopping.
    func testUnknownStopMetricFailsTheRunWithASuggestion() throws {
        let f = try TemporaryProject()
        try f.scenario(ticks: 5)
        let e = try f.experiment(
            """
              scenario = "scenario.lua",
              levers = { ["model.word_of_mouth"] = { 0.5 } },
              stop = { metric = "adoptoin", at_least = 0.2 },
            """)
        let (_, db) = try f.batch(e)
        let run = try XCTUnwrap(try ResultsData(store: try ResultStore.open(db, readOnly: true)).runs.first)
        XCTAssertEqual(run.status, "failed")
        let error = try XCTUnwrap(run.error)
        XCTAssertTrue(
            error.contains("the stop metric 'adoptoin' is neither an output of the run nor a metric a plugin recorded"),
            error)
        XCTAssertTrue(error.contains("Did you mean 'adoption'?"), error)
    }

    /// Outputs are stored as the run computed them: every digit, no text in between.
    func testOutputsKeepEveryDigit() throws {
        let f = try TemporaryProject()
        try f.scenario(ticks: 8)
        let e = try f.experiment(
            """
              scenario = "scenario.lua",
              levers = { ["model.word_of_mouth"] = { 0.5 } },
              record = { final = { "productivity_index", "readiness" } },
            """)
        let (_, db) = try f.batch(e)
        let run = try XCTUnwrap(try ResultsData(store: try ResultStore.open(db, readOnly: true)).runs.first)
        let seed = try XCTUnwrap(SeedText.seed(run.seed))
        let session = try RunSession(
            file: f.path("scenario.lua"),
            options: .init(
                seed: seed, overrides: [try ParameterOverride(parsing: "model.word_of_mouth=0.5")],
                searchPath: f.searchPath))
        try session.run()
        let table = OutputTable(session.simulation)
        for name in ["productivity_index", "readiness"] {
            let expected = table.rows.last![try XCTUnwrap(table.column(name))]
            XCTAssertEqual(run.outputs[name]?.bitPattern, expected.bitPattern, name)
            XCTAssertNotEqual(
                Double(String(format: "%.9g", expected)), expected,
                "\(name) has more than 9 digits, so text would lose some")
        }
    }

    /// A warning every run gives (a lever the bass rule ignores) is said once for the batch, not once per run.
    func testARunsWarningIsSaidOnceForTheBatch() throws {
        let f = try TemporaryProject()
        try f.plugin(
            "rd", numbers: ["amount"], range: (0, 1e9),
            initLua: """
                return { on_tick = function(ctx) ctx.set("rd_funding", ctx.params.amount) end }
                """)
        try f.write(
            "scenario.lua",
            """
            return scenario { name = "w", ticks = 3, seed = 5, firms = 100, model = { rule = "bass" },
                              network = { kind = "mean-field" }, plugins = { { "rd" } } }
            """)
        let e = try f.experiment(
            """
              scenario = "scenario.lua",
              levers = { ["rd.amount"] = { 1, 2, 3 } },
              replicates = 2,
            """)
        let said = Locked<[String]>([])
        let (summary, _) = try f.batch(e, jobs: 2, warn: { line in said.withLock { $0.append(line) } })
        XCTAssertEqual(summary.failed, 0)
        let lines = said.withLock { $0 }
        XCTAssertEqual(lines.count, 1, "\(lines)")
        XCTAssertTrue(lines[0].contains("adoption does not respond to lever 'rd_funding'"), lines[0])
        XCTAssertTrue(lines[0].contains("said once for the batch"), lines[0])
    }

    /// Warnings travel from worker processes to the batch with the run's result.
    func testWarningsSurviveTheWorkerMessage() throws {
        var r = RunResult(
            run: 3, point: 1, replicate: 0, seed: 9, status: .ok, error: nil, ticks: 2, durationSeconds: 0.5,
            outputs: [("adoption", 0.25)], series: [])
        r.warnings = ["warning: a\tb", "[tick 0 2023Q1] p: warning: c"]
        let back = try WorkerMessage.decode(WorkerMessage.encode(r).dropLast())
        XCTAssertEqual(back.warnings, r.warnings)
        XCTAssertEqual(back.outputs.first?.value, 0.25)
    }
}
