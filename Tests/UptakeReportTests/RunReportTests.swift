import UptakeKernel
import XCTest

@testable import UptakeReport

/// The HTML report of a run: self-contained, deterministic, with its provenance.
final class RunReportTests: XCTestCase {
    func table() throws -> OutputTable {
        let config = SimulationConfig(
            ticks: 8, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 3,
            population: PopulationSpec(count: 300, initialAdoption: 0.05))
        let sim = try Simulation(config)
        try sim.run()
        return SeriesCSV.roundTrip(OutputTable(sim))
    }

    static func assertSelfContained(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        let outside = try! NSRegularExpression(
            pattern: #"(src|href|xlink:href)\s*=\s*["']?\s*(https?:|//|file:|data:text)"#, options: [.caseInsensitive])
        XCTAssertNil(outside.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)), file: file, line: line)
        XCTAssertFalse(html.lowercased().contains("<script"), file: file, line: line)
        XCTAssertFalse(html.lowercased().contains("@import"), file: file, line: line)
        XCTAssertFalse(html.lowercased().contains("url(http"), file: file, line: line)
        XCTAssertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"), file: file, line: line)
    }

    func testTheReportIsSelfContainedAndTheSameEveryTime() throws {
        let table = try table()
        let record = try RunRecord(
            json: Data(
                #"{"scenario":{"name":"<b>mine</b>","file":"s.lua"},"seed":"3","plugins":[{"name":"tax-relief","version":"1.0.0"}],"uptake_version":"uptake 0.2.0 (commit abc)","unit":"quarter"}"#
                    .utf8), file: "run.json")
        let html = RunReport.html(table: table, record: record, source: "out/series.csv", program: "uptake test")
        XCTAssertEqual(
            html, RunReport.html(table: table, record: record, source: "out/series.csv", program: "uptake test"))
        Self.assertSelfContained(html)
        XCTAssertTrue(html.contains("<title>Run report: &lt;b&gt;mine&lt;/b&gt;</title>"))
        XCTAssertTrue(html.contains("<dd>tax-relief 1.0.0</dd>"))
        XCTAssertTrue(html.contains("<dd>uptake 0.2.0 (commit abc)</dd>"))
        XCTAssertTrue(html.contains("<dd>2023Q1 to 2024Q4: 8 quarterly ticks</dd>"))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, RunCharts.charts(table).count)
        XCTAssertTrue(html.contains("@media print"))
    }

    func testWithoutARecordTheReportSaysWhatIsUnknown() throws {
        let html = RunReport.html(table: try table(), record: nil, source: "old/series.csv", program: "uptake test")
        XCTAssertTrue(html.contains("There is no run.json beside the series"))
        XCTAssertTrue(html.contains("<title>Run report: old/series.csv</title>"))
        let empty = RunReport.html(
            table: OutputTable(names: [], rows: [], dates: []), record: nil, source: "e.csv", program: "uptake test")
        XCTAssertTrue(empty.contains("none: the series has no rows"))
        Self.assertSelfContained(empty)
    }
}
