import Foundation
import UptakeTestSupport
import XCTest

/// `uptake report` and `uptake run --report` as a user runs them.
final class ReportCommandTests: XCTestCase {
    func uptake(_ arguments: [String], in directory: URL) throws -> UptakeCLI.Result {
        try UptakeCLI.run(arguments, in: directory)
    }

    func read(_ directory: URL, _ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    static func assertSelfContained(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNil(
            html.range(of: #"(src|href)\s*=\s*["']?\s*(https?:|//)"#, options: [.regularExpression, .caseInsensitive]),
            "a resource from outside", file: file, line: line)
        XCTAssertNil(html.range(of: "<script", options: .caseInsensitive), file: file, line: line)
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), file: file, line: line)
    }

    func testARunWritesItsReportAndTheSameReportComesFromItsFolder() throws {
        let dir = try BatchCommandTests.project(firms: 300, ticks: 8)
        let run = try uptake(["run", "scenario.lua", "--out", "out", "--report", "--quiet"], in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "")
        let html = try read(dir, "out/report.html")
        Self.assertSelfContained(html)
        XCTAssertTrue(html.contains("<dd>probe 1.0.0</dd>"), "plugins and versions from run.json")
        XCTAssertTrue(html.contains("<dt>Run by</dt><dd>uptake 0.2.0 (commit "), "the build that ran it")
        XCTAssertGreaterThanOrEqual(html.components(separatedBy: "<svg ").count - 1, 9)
        let record = try JSONSerialization.jsonObject(with: Data(try read(dir, "out/run.json").utf8)) as? [String: Any]
        XCTAssertEqual(record?["seed"] as? String, "5")
        XCTAssertTrue((record?["uptake_version"] as? String)?.hasPrefix("uptake 0.2.0 (commit ") ?? false)

        let again = try uptake(["report", "out", "-o", "again.html"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("report: wrote again.html ("), again.stdout)
        XCTAssertEqual(try read(dir, "again.html"), html, "the run's report is the report of its folder, byte for byte")
        let rerun = try uptake(["run", "scenario.lua", "--out", "out", "--report", "--quiet"], in: dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try read(dir, "out/report.html"), html, "the same run, the same report")
        let plain = try uptake(["run", "scenario.lua", "--out", "plain", "--quiet"], in: dir)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("plain").path).sorted(),
            ["run.json", "series.csv"], "run.json always, the report only with --report")
        let beside = try uptake(["report", "plain", "--quiet"], in: dir)
        XCTAssertEqual(beside.status, 0, beside.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("plain/report.html").path))
    }

    func testABatchReportIsTheSameForTheSameDatabase() throws {
        let dir = try BatchCommandTests.project(firms: 200, ticks: 6, values: 3, replicates: 2)
        let batch = try uptake(["batch", "experiment.lua", "--out", "r.db", "--quiet"], in: dir)
        XCTAssertEqual(batch.status, 0, batch.stderr)
        let a = try uptake(["report", "r.db", "-o", "a.html"], in: dir)
        XCTAssertEqual(a.status, 0, a.stderr)
        let b = try uptake(["report", "r.db", "--quiet"], in: dir)
        XCTAssertEqual(b.status, 0, b.stderr)
        let html = try read(dir, "a.html")
        XCTAssertEqual(
            html.replacingOccurrences(of: "a.html", with: ""),
            try read(dir, "r.html").replacingOccurrences(of: "a.html", with: ""))
        Self.assertSelfContained(html)
        for label in ["probe.x=1", "probe.x=2", "probe.x=3"] { XCTAssertTrue(html.contains(label), label) }
        XCTAssertTrue(html.contains("<svg id=\"chart-outcome-by-policy\""))
        XCTAssertTrue(html.contains("<svg id=\"chart-series-adopters\""))
        XCTAssertTrue(html.contains("probe sweep"))
    }

    func testHostileNamesFromAPluginComeOutEscaped() throws {
        let hostile = "</svg><script>alert(1)</script>"
        let dir = try BatchCommandTests.project(
            firms: 200, ticks: 4, pluginBody: "function m.on_tick(ctx) ctx.spend(1000, \"\(hostile)\") end")
        let run = try uptake(["run", "scenario.lua", "--out", "out", "--report", "--quiet"], in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        let html = try read(dir, "out/report.html")
        XCTAssertTrue(
            html.contains("data-series=\"&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), "drawn, escaped")
        Self.assertSelfContained(html)
    }

    func testAMissingOrDamagedInputIsOneLineNamingTheFileAndTheFix() throws {
        let dir = try BatchCommandTests.project(firms: 200, ticks: 4)
        XCTAssertEqual(try uptake(["run", "scenario.lua", "--out", "out", "--quiet"], in: dir).status, 0)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let series = try read(dir, "out/series.csv")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("cut"), withIntermediateDirectories: true)
        try String(series.dropLast(5)).write(
            to: dir.appendingPathComponent("cut/series.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("badjson"), withIntermediateDirectories: true)
        try series.write(to: dir.appendingPathComponent("badjson/series.csv"), atomically: true, encoding: .utf8)
        try "{\"seed\":".write(to: dir.appendingPathComponent("badjson/run.json"), atomically: true, encoding: .utf8)
        try "not a database".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let rows = series.split(separator: "\n").count
        let cases: [([String], String)] = [
            (
                ["report", "nope"],
                "Error: nope: there is no run folder or results database here. Give the --out folder of uptake run (it holds series.csv) or the --out database of uptake batch"
            ),
            (
                ["report", "empty"],
                "Error: empty: this folder has no series.csv. Give the --out folder of a run (make one with: uptake run SCENARIO --out empty)"
            ),
            (["report", "cut"], "Error: cut/series.csv:\(rows): this row has "),
            (
                ["report", "badjson"],
                "Error: badjson/run.json: this is not valid JSON. uptake run writes it beside series.csv; run the scenario again, or remove the file to report without it"
            ),
            (["report", "notes.txt"], "Error: notes.txt: this is neither a run folder nor a results database. "),
            (
                ["report", "out", "-o", "out/series.csv"],
                "Error: -o out/series.csv is the report's own input; write the report to another file, e.g. report.html"
            ),
        ]
        for (arguments, expected) in cases {
            let r = try uptake(arguments, in: dir)
            XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix(expected), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        XCTAssertEqual(try read(dir, "out/series.csv"), series, "the input is left alone")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cut/report.html").path))
    }
}
