import Foundation
import XCTest
import UptakeTestSupport
@testable import UptakeBatch
import UptakeReport
import UptakeScripting

/// What `uptake results --csv DIR` and `--json` write: seeds as text that
/// round-trips exactly, dated series, and the policy summary.
final class ResultsExportTests: XCTestCase {
    /// A batch of 2 policies x 2 replicates whose x = 1 runs fail at tick 2.
    func batch(_ f: TemporaryProject, uncertainties: String = "") throws -> String {
        try f.plugin(
            "fragile", numbers: ["x"],
            initLua: """
                local m = {}
                function m.on_tick(ctx)
                  if ctx.params.x > 0.5 and ctx.tick == 2 then error("x is too large, for this plugin") end
                end
                return m
                """)
        try f.scenario(plugins: "{ \"fragile\" },")
        let e = try f.experiment(
            """
              scenario = "scenario.lua", seed = 11, replicates = 2,
              levers = { ["fragile.x"] = { 0, 1, 0.25 } },
              \(uncertainties)
              baseline = { ["fragile.x"] = 0 },
              record = { series = { "adoption" }, every = 2 },
            """)
        return try f.batch(e).1
    }

    func testSeedsRoundTripExactlyThroughCSVAndJSON() throws {
        let f = try TemporaryProject()
        let db = try batch(f)
        let store = try ResultStore.open(db, readOnly: true)
        let data = try ResultsData(store: store)
        let seeds = Dictionary(uniqueKeysWithValues: data.runs.map { ($0.run, UInt64($0.seed)!) })
        XCTAssertTrue(
            seeds.values.contains { $0 > 1 << 53 && UInt64(exactly: Double($0)) != $0 },
            "some seed must be one a double cannot hold, or this test shows nothing")
        let summary = ResultsSummary(data)
        try TidyExport.writeCSV(summary, store: store, to: f.path("tables"))

        let runs = try Self.csv(f.path("tables/runs.csv"))
        XCTAssertFalse(runs.isEmpty)
        for row in runs {
            let seed = try XCTUnwrap(row["seed"])
            XCTAssertNil(Double(seed), "a seed column a spreadsheet or R would read as a number: \(seed)")
            XCTAssertEqual(SeedText.seed(seed), seeds[Int(row["run"]!)!])
        }
        let failures = try Self.csv(f.path("tables/failures.csv"))
        XCTAssertEqual(failures.count, 2)
        for row in failures {
            XCTAssertEqual(SeedText.seed(row["seed"]!), seeds[Int(row["run"]!)!])
            XCTAssertTrue(row["error"]!.contains("x is too large, for this plugin"), row["error"]!)
        }

        let lines = try TidyExport.render(TidyExport.jsonLines(summary)).split(separator: "\n")
        let objects = try lines.map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let failed = objects.filter { $0["table"] as? String == "failure" }
        XCTAssertEqual(failed.count, 2)
        for o in failed {
            let seed = try XCTUnwrap(o["seed"] as? String, "the seed is a JSON string")
            XCTAssertEqual(SeedText.seed(seed), seeds[o["run"] as! Int])
        }
        XCTAssertEqual(objects.first?["table"] as? String, "policy", "the policy summary leads, as in the text report")
    }

    func testPoliciesCSVAndDatedSeries() throws {
        let f = try TemporaryProject()
        let db = try batch(f)
        let store = try ResultStore.open(db, readOnly: true)
        try TidyExport.writeCSV(ResultsSummary(try ResultsData(store: store)), store: store, to: f.path("tables"))

        let policies = try Self.csv(f.path("tables/policies.csv"))
        XCTAssertEqual(policies.map { $0["policy"]! }, ["fragile.x=0.25", "fragile.x=1", "fragile.x=0"])
        XCTAssertEqual(policies[0]["rank"], "1")
        XCTAssertEqual(policies[0]["pairs"], "2")
        XCTAssertEqual(policies[1]["rank"], "", "every run of x = 1 failed: no pairs, no rank")
        XCTAssertEqual(policies[2]["is_baseline"], "true")

        // The scenario starts in 2023Q1 (the default) with quarterly ticks; series kept ticks 0, 2, 4 and 5.
        let series = try Self.csv(f.path("tables/series.csv"))
        XCTAssertFalse(series.isEmpty)
        let dates = Dictionary(series.map { ($0["tick"]!, $0["date"]!) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(dates, ["0": "2023Q1", "2": "2023Q3", "4": "2024Q1", "5": "2024Q2"])
    }

    func testRunsWithDifferentCalendarsGetNoDates() throws {
        let f = try TemporaryProject()
        let db = try batch(f, uncertainties: "uncertainties = { start = { \"2023Q1\", \"2030Q1\" } },")
        let store = try ResultStore.open(db, readOnly: true)
        XCTAssertNil(try ResultsData(store: store).calendar)
        try TidyExport.writeCSV(ResultsSummary(try ResultsData(store: store)), store: store, to: f.path("tables"))
        let series = try Self.csv(f.path("tables/series.csv"))
        XCTAssertFalse(series.isEmpty)
        XCTAssertTrue(series.allSatisfy { $0["date"] == "" }, "a wrong date is worse than none")
    }

    /// Rows of a CSV file (RFC 4180: quoted fields, doubled quotes) keyed by the header.
    static func csv(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, wasQuoted = false
        var characters = text.makeIterator()
        while let c = characters.next() {
            if quoted {
                if c == "\"" {
                    quoted = false
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                if wasQuoted { field.append("\"") }  // a doubled quote inside a quoted field
                quoted = true
                wasQuoted = true
            } else if c == "," {
                row.append(field)
                field = ""
                wasQuoted = false
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                wasQuoted = false
            } else {
                field.append(c)
            }
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
