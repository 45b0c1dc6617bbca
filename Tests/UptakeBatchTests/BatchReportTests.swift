import Foundation
import UptakeReport
import UptakeTestSupport
import XCTest

@testable import UptakeBatch

/// The HTML report of a batch: the analyses of `uptake results` and
/// `uptake sensitivity` drawn, the same bytes every time, nothing outside.
final class BatchReportTests: XCTestCase {
    func report(_ body: String, scenario: (TemporaryProject) throws -> String) throws -> (String, String) {
        let f = try TemporaryProject()
        let file = URL(fileURLWithPath: try scenario(f)).lastPathComponent
        let e = try f.experiment("scenario = \"\(file)\", seed = 17,\n" + body)
        let (summary, db) = try f.batch(e, jobs: 2)
        XCTAssertEqual(summary.failed, 0)
        let store = try ResultStore.open(db, readOnly: true)
        return (try BatchReport.html(store: store, source: "r.db", program: "uptake test"), db)
    }

    func testASweepAgainstItsBaselineShowsEveryRunEffectsAndSeries() throws {
        let (html, db) = try report(
            """
            levers = { ["tax-relief.rate"] = { 0, 0.3 } },
            uncertainties = { ["model.word_of_mouth"] = { min = 0.3, max = 0.6 } },
            design = { kind = "lhs", samples = 3 }, replicates = 2, common_random_numbers = true,
            baseline = { ["tax-relief.rate"] = 0 },
            record = { final = { "adopters", "adoption", "spend_cumulative" }, series = { "adoption" }, every = 2 },
            """
        ) { f in try f.scenario(plugins: "{ \"tax-relief\", rate = 0 },", firms: 200, ticks: 6) }
        let store = try ResultStore.open(db, readOnly: true)
        XCTAssertEqual(html, try BatchReport.html(store: store, source: "r.db", program: "uptake test"))
        let data = try ResultsData(store: store)
        let policy = try XCTUnwrap(PolicyComparison(data).policies.first { $0.label == "tax-relief.rate=0.3" })
        // Every run of each policy a dot, every pair a dot; the mean and CI are uptake results' own.
        for id in ["outcome-by-policy", "effect-by-policy", "series-adoption"] {
            XCTAssertTrue(html.contains("<svg id=\"chart-\(id)\""), id)
        }
        let effect = try XCTUnwrap(html.range(of: "<svg id=\"chart-effect-by-policy\"")).lowerBound
        let effectSVG = String(html[effect...].prefix { _ in true }).components(separatedBy: "</svg>")[0]
        XCTAssertEqual(
            effectSVG.components(separatedBy: "data-series=\"tax-relief.rate=0.3\" class=\"observation\"").count - 1,
            policy.effect.count)
        XCTAssertEqual(policy.effect.count, 6)
        XCTAssertTrue(html.contains(Readable.signed(policy.effect.mean)), "the table has uptake results' effect")
        XCTAssertTrue(html.contains(Readable.interval(policy.effect.ciLow, policy.effect.ciHigh)))
        XCTAssertTrue(html.contains(">2023Q1</text>"), "series are dated")
        XCTAssertTrue(html.contains("<td>tax-relief</td><td>1.0.0</td>"), "plugins with their versions")
        XCTAssertFalse(html.contains("Which parameters matter"), "an lhs design has no sensitivity section")
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertNil(html.range(of: #"(src|href)="(https?:|//)"#, options: .regularExpression))
    }

    func testASobolDesignDrawsS1AndSTWithTheirIntervals() throws {
        let (html, db) = try report(
            """
            uncertainties = {
              ["ishigami.x1"] = { min = -math.pi, max = math.pi },
              ["ishigami.x2"] = { min = -math.pi, max = math.pi },
              ["ishigami.x3"] = { min = -math.pi, max = math.pi },
            },
            design = { kind = "sobol", samples = 32 },
            record = { final = { "y" } },
            """
        ) { f in try f.ishigami() }
        let analysis = try SensitivityAnalysis(try ResultsData(store: try ResultStore.open(db, readOnly: true)))
        XCTAssertTrue(html.contains("<svg id=\"chart-sensitivity-y-0\""), html)
        let y = try XCTUnwrap(analysis.outputs.first { $0.metric == "y" })
        for row in y.rows {
            let s = try XCTUnwrap(row.sobol)
            XCTAssertTrue(html.contains("\(row.parameter), S1 (alone): \(Readable.number(s.s1))"), row.parameter)
            XCTAssertTrue(html.contains("\(row.parameter), ST (with interactions): \(Readable.number(s.st))"))
        }
        XCTAssertEqual(html.components(separatedBy: "data-series=\"S1 (alone)\" class=\"interval\"").count - 1, 3)
        XCTAssertTrue(html.contains("ticks_run = 1"), "the constant output is named, not charted")
    }
}
