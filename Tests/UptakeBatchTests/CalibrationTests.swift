import Foundation
import GRDB
import UptakeKernel
import UptakeTestSupport
import XCTest

@testable import UptakeBatch
@testable import UptakeScripting

/// uptake calibrate's machinery on a model whose answer is known: a plugin
/// records y = theta + N(0, 0.05) each tick, and the data say y = 0.4.
final class CalibrationTests: XCTestCase {
    func project(seed: Int = 3) throws -> (TemporaryProject, Calibration) {
        let f = try TemporaryProject()
        try f.plugin(
            "toy", numbers: ["theta"], range: (0, 1),
            initLua: """
                return { after_tick = function(ctx)
                  local u1, u2 = math.max(ctx.random(), 1e-12), ctx.random()
                  ctx.record("y", ctx.params.theta + 0.05 * math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2))
                end }
                """)
        try f.scenario(plugins: "{ \"toy\" },", firms: 10, ticks: 2)
        try f.write("data.csv", "date,segment,value,se\n2023Q2,y,0.4,0.05\n2021,y,0.1,\n")
        let file = try f.write(
            "calibration.lua",
            """
            return calibration {
              scenario = "scenario.lua", data = "data.csv",
              parameters = { ["toy.theta"] = { min = 0, max = 1 } },
              segments = { y = "y" },
              particles = 60, proposals = 300, generations = 4, seed = \(seed),
            }
            """)
        return (f, try Calibration.load(file: file))
    }

    func runner(_ c: Calibration, _ f: TemporaryProject) -> CalibrationRunner {
        CalibrationRunner(
            calibration: c,
            options: .init(
                batch: BatchRunner.Options(jobs: 2, program: .fixture, searchPath: f.searchPath), report: { _ in }))
    }

    func testPosteriorCentresOnTheDataAndTheBandCoversIt() throws {
        let (f, c) = try project()
        let result = try runner(c, f).run(out: f.path("out"))
        XCTAssertEqual(result.generations.count, 4)
        XCTAssertEqual(result.fitted.map(\.date), ["2023Q2"])
        XCTAssertEqual(result.skipped.map(\.date), ["2021"], "2021 is before the scenario's start")
        let posterior = result.posterior
        XCTAssertEqual(posterior.mean(0), 0.4, accuracy: 0.03)
        XCTAssertLessThan(posterior.quantile(0.05, 0), 0.4)
        XCTAssertGreaterThan(posterior.quantile(0.95, 0), 0.4)
        XCTAssertLessThan(
            result.generations.last!.population.tolerance, result.generations.first!.population.tolerance)
        let report = CalibrationReport(calibration: c, result: result)
        XCTAssertTrue(report.bands.allSatisfy(\.covers), "\(report.text)")
        let closest = try XCTUnwrap(report.closest)
        XCTAssertEqual(closest.distance, posterior.distances.min())
        XCTAssertEqual(closest.values.map(\.path), ["toy.theta"])
        XCTAssertEqual(closest.values[0].value, 0.4, accuracy: 0.1)
        XCTAssertTrue(report.text.contains("Closest to the data"), report.text)
        let files = try report.write(to: f.path("out"), program: "uptake test")
        XCTAssertEqual(
            files.map { ($0 as NSString).lastPathComponent }, ["posterior.csv", "predictive.csv", "report.html"])
        // The page: the posterior, the generations and a chart of the data segment against the band.
        let page = try String(contentsOfFile: f.path("out/report.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("Calibration report: "), page)
        XCTAssertTrue(page.contains("toy.theta"))
        XCTAssertTrue(page.contains("id=\"chart-fit-y\""), "a chart per data segment")
        XCTAssertTrue(page.contains("data-series=\"observed\""), "the observed points are drawn")
        XCTAssertTrue(page.contains("1 of 1 data points lie inside the posterior predictive band"))
        XCTAssertFalse(page.contains("<script"))
        XCTAssertEqual(page, CalibrationPage.html(report, program: "uptake test"), "the same results, the same page")
        let posteriorCSV = try String(contentsOfFile: f.path("out/posterior.csv"), encoding: .utf8)
        XCTAssertTrue(posteriorCSV.hasPrefix("toy.theta,weight,distance\n"))
        XCTAssertEqual(posteriorCSV.split(separator: "\n").count, 61)
    }

    /// Running it again goes on where it stopped: every finished generation is in OUT/calibration.db.
    func testRunningAgainReusesTheGenerationsAndAnotherCalibrationIsRefused() throws {
        let (f, c) = try project()
        let first = try runner(c, f).run(out: f.path("out"))
        let again = try runner(c, f).run(out: f.path("out"))
        XCTAssertEqual(first.posterior, again.posterior)
        // Stopped after generation 2 (the command given --generations 2, or interrupted in generation 3):
        // the same calibration goes on from there to the same posterior.
        var two = c
        two.generations = 2
        XCTAssertEqual(try runner(two, f).run(out: f.path("two")).generations.count, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.path("two/gen-3.lua")))
        XCTAssertEqual(try runner(c, f).run(out: f.path("two")).posterior, first.posterior)
        // Killed after generation 3's batch finished but before it was recorded: its gen-3.db is
        // resumed (nothing left to run) and recorded.
        let r = runner(two, f)
        let afterTwo = try r.run(out: f.path("three")).posterior
        let particles = r.abc.propose(generation: 2, after: afterTwo)
        try r.writeGeneration(2, particles: particles, to: f.path("three/gen-3.lua"))
        var ticks: [Int?]? = nil
        _ = try r.runGeneration(
            2, particles: particles, experimentFile: f.path("three/gen-3.lua"), db: f.path("three/gen-3.db"),
            data: try ObservedData.read(c.dataFile), ticks: &ticks)
        XCTAssertTrue(FileManager.default.fileExists(atPath: f.path("three/gen-3.db")))
        XCTAssertEqual(try runner(c, f).run(out: f.path("three")).posterior, first.posterior)
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.path("three/gen-3.db")), "recorded, then removed")
        let (_, other) = try project(seed: 4)
        var moved = other
        moved.scenarioFile = c.scenarioFile
        moved.dataFile = c.dataFile
        XCTAssertThrowsError(try runner(moved, f).run(out: f.path("out"))) { error in
            XCTAssertTrue("\(error)".contains("holds a different calibration: its seed is '3', not '4'"), "\(error)")
        }
        // Other data: refused, naming the data file's row.
        try f.write("data.csv", "date,segment,value,se\n2023Q2,y,0.5,0.05\n2021,y,0.1,\n")
        XCTAssertThrowsError(try runner(c, f).run(out: f.path("out"))) { error in
            XCTAssertTrue("\(error)".contains("data.csv:2: the observed data changed since"), "\(error)")
        }
    }

    /// The whole calibration is one SQLite database: every generation's batch (runs, outputs, series, design
    /// points) with its generation, the particles with distance, kept flag and weight, and each simulated data
    /// point; the generations' working batch files are gone.
    func testTheWholeCalibrationIsOneDatabase() throws {
        let (f, c) = try project()
        let result = try runner(c, f).run(out: f.path("out"))
        let files = try FileManager.default.contentsOfDirectory(atPath: f.path("out")).sorted()
        XCTAssertEqual(files, ["calibration.db", "gen-1.lua", "gen-2.lua", "gen-3.lua", "gen-4.lua"])
        let db = try DatabaseQueue(path: f.path("out/calibration.db"))
        try db.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql)! }
            XCTAssertEqual(try count("SELECT count(*) FROM generations"), 4)
            XCTAssertEqual(try count("SELECT count(*) FROM runs"), 4 * 300)
            XCTAssertEqual(try count("SELECT count(DISTINCT generation) FROM series"), 4)
            XCTAssertEqual(try count("SELECT count(*) FROM point_values WHERE generation = 2"), 300)
            XCTAssertEqual(try count("SELECT count(*) FROM experiment WHERE key = 'name' AND generation = 4"), 1)
            XCTAssertEqual(
                try count("SELECT count(*) FROM particles WHERE generation = 4 AND kept"),
                result.posterior.particles.count)
            XCTAssertEqual(
                try Double.fetchOne(db, sql: "SELECT sum(weight) FROM particles WHERE generation = 4")!, 1,
                accuracy: 1e-9)
            XCTAssertEqual(
                try Double.fetchOne(db, sql: "SELECT tolerance FROM generations WHERE generation = 4"),
                result.posterior.tolerance)
            // The fitted point (2023Q2, tick 1) and the skipped one (2021, before the start).
            XCTAssertEqual(try Int?.fetchAll(db, sql: "SELECT tick FROM data_points ORDER BY point"), [1, nil])
            XCTAssertEqual(try count("SELECT count(*) FROM simulated WHERE generation = 1 AND point = 0"), 300)
            // A particle's value in particle_values is the one its run was given.
            let mismatched = try count(
                """
                SELECT count(*) FROM particle_values v JOIN runs r ON r.generation = v.generation AND r.point = v.particle
                JOIN point_values p ON p.generation = r.generation AND p.point = r.point AND p.parameter = v.parameter
                WHERE p.number <> v.value
                """)
            XCTAssertEqual(mismatched, 0)
        }
    }

    /// For a cluster: --prepare writes the next generation and stops; its batch run elsewhere in shards and
    /// merged into gen-N.db is recorded by the next call; the posterior is the one of a run in one go.
    func testPreparedGenerationsRunInShardsGiveTheSamePosterior() throws {
        let (f, c) = try project()
        var short = c
        short.generations = 2
        let straight = try runner(short, f).run(out: f.path("straight"))
        var prepare = runner(short, f).options
        prepare.prepareOnly = true
        let prepared = CalibrationRunner(calibration: short, options: prepare)
        for g in 1...2 {
            let step = try prepared.run(out: f.path("cluster"))
            XCTAssertEqual(step.generations.count, g - 1)
            let pending = try XCTUnwrap(step.pending)
            XCTAssertEqual(pending, f.path("cluster/gen-\(g).lua"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: f.path("cluster/gen-\(g).db")), "not run")
            let experiment = try ExperimentLoader.load(file: pending)
            var shards: [String] = []
            for k in 1...2 {
                var options = BatchRunner.Options(jobs: 1, program: .fixture, searchPath: f.searchPath)
                options.shard = Shard(index: k, count: 2)
                shards.append(f.path("cluster/gen-\(g)-shard\(k)of2.db"))
                _ = try BatchRunner(experiment: experiment, options: options).run(out: shards.last!)
            }
            _ = try ResultsMerger.merge(shards, into: f.path("cluster/gen-\(g).db"))
        }
        let done = try prepared.run(out: f.path("cluster"))
        XCTAssertNil(done.pending)
        XCTAssertEqual(done.posterior, straight.posterior)
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.path("cluster/gen-2.db")), "recorded, then removed")
    }

    /// A file that is not a calibration database in the output folder is reported, not overwritten.
    func testACorruptOrForeignCalibrationDatabaseIsReported() throws {
        let (f, c) = try project()
        try FileManager.default.createDirectory(atPath: f.path("bad"), withIntermediateDirectories: true)
        try f.write("bad/calibration.db", String(repeating: "not a database ", count: 100))
        XCTAssertThrowsError(try runner(c, f).run(out: f.path("bad"))) { error in
            XCTAssertTrue("\(error)".contains("cannot use the calibration database"), "\(error)")
            XCTAssertTrue("\(error)".contains("give another --out"), "\(error)")
        }
        XCTAssertEqual(
            try String(contentsOfFile: f.path("bad/calibration.db"), encoding: .utf8),
            String(repeating: "not a database ", count: 100))
    }

    func testMistakesInTheCalibrationFileAndTheData() throws {
        let f = try TemporaryProject()
        try f.scenario()
        try f.write("data.csv", "date,segment,value\n2023,all,eight\n")
        let listed = try f.write(
            "listed.lua",
            "return calibration { scenario = \"scenario.lua\", data = \"data.csv\", parameters = { [\"model.p\"] = { 0.1, 0.2 } } }"
        )
        XCTAssertThrowsError(try Calibration.load(file: listed)) { error in
            XCTAssertTrue("\(error)".contains("must be an interval"), "\(error)")
        }
        XCTAssertThrowsError(try ObservedData.read(f.path("data.csv"))) { error in
            XCTAssertTrue("\(error)".contains("data.csv:2: value 'eight' is not a number"), "\(error)")
        }
        // A source with an unclosed quote is reported with its line; a byte-order mark and CRLF line ends are fine.
        try f.write("quote.csv", "date,segment,value,se,source\n2023,all,0.08,,\"Eurostat, 2023\n2024,all,0.13,,x\n")
        XCTAssertThrowsError(try ObservedData.read(f.path("quote.csv"))) { error in
            XCTAssertTrue("\(error)".contains("quote.csv:2"), "\(error)")
            XCTAssertTrue("\(error)".contains("a quoted field is never closed"), "\(error)")
        }
        try f.write("bom.csv", "\u{FEFF}date,segment,value\r\n2023,all,0.08\r\n\"2024\",\"all\",0.13\r\n")
        XCTAssertEqual(try ObservedData.read(f.path("bom.csv")).points.map(\.value), [0.08, 0.13])
        let missing = try f.write(
            "missing.lua", "return calibration { scenario = \"scenario.lua\", data = \"nope.csv\" }")
        XCTAssertThrowsError(try Calibration.load(file: missing)) { error in
            XCTAssertTrue("\(error)".contains("'nope.csv' not found"), "\(error)")
        }
    }

    func testTheShippedEurostatDataReads() throws {
        let data = try ObservedData.read(Repository.root.appendingPathComponent("data/eurostat-enterprise-ai.csv").path)
        let y2025 = data.points.filter { $0.date == "2025" }
        XCTAssertEqual(y2025.map(\.segment), ["all", "small", "medium", "large"])
        XCTAssertEqual(y2025.map(\.value), [0.2, 0.17, 0.304, 0.55])
    }

    /// Eurostat's survey asks in the first quarter: a year is its first tick; labels are taken as written.
    func testAYearIsComparedWithItsFirstTick() throws {
        let quarters = try TickCalendar(start: "2023Q1", unit: .quarter)
        XCTAssertEqual(ObservedData.tick(of: "2023", in: quarters, ticks: 12), 0)
        XCTAssertEqual(ObservedData.tick(of: "2025", in: quarters, ticks: 12), 8)
        XCTAssertEqual(ObservedData.tick(of: "2024Q4", in: quarters, ticks: 12), 7)
        XCTAssertNil(ObservedData.tick(of: "2021", in: quarters, ticks: 12))
        XCTAssertNil(ObservedData.tick(of: "2026", in: quarters, ticks: 12))
        let months = try TickCalendar(start: "2023-07", unit: .month)
        XCTAssertEqual(ObservedData.tick(of: "2024", in: months, ticks: 24), 6)
        XCTAssertNil(ObservedData.tick(of: "2023", in: months, ticks: 24))
    }

    func testTheShippedEurostatDataHasEverySizeClassEveryYear() throws {
        let data = try ObservedData.read(Repository.root.appendingPathComponent("data/eurostat-enterprise-ai.csv").path)
        for year in ["2021", "2023", "2024", "2025"] {
            XCTAssertEqual(data.points.filter { $0.date == year }.map(\.segment), ["all", "small", "medium", "large"])
        }
    }

    /// The band a survey would show: quantiles of the particles' values plus normal sampling error.
    func testTheObservedBandAddsTheDataErrorToTheRuns() {
        let one = NormalMixture(means: [0.2], weights: [1], sd: 0.01)
        XCTAssertEqual(one.quantile(0.95), 0.2 + 0.016449, accuracy: 1e-5)
        XCTAssertEqual(one.quantile(0.05), 0.2 - 0.016449, accuracy: 1e-5)
        // Three equal runs far apart: the median is the middle one, each tail around the outer runs.
        let three = NormalMixture(means: [0.1, 0.2, 0.3], weights: [1.0 / 3, 1.0 / 3, 1.0 / 3], sd: 0.01)
        XCTAssertEqual(three.quantile(0.5), 0.2, accuracy: 1e-6)
        XCTAssertEqual(three.quantile(0.05), 0.1 - 0.01 * 1.0364, accuracy: 1e-4)  // a third of Phi = 0.05
        // With no data error it is the weighted quantile of the runs.
        XCTAssertEqual(NormalMixture(means: [0.3, 0.1], weights: [0.2, 0.8], sd: 0).quantile(0.5), 0.1)
    }
}
