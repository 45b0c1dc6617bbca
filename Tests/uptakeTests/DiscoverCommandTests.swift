import Foundation
import UptakeTestSupport
import XCTest

/// `uptake discover` run as a user would: the report, JSON lines, CSV files and its refusals.
final class DiscoverCommandTests: XCTestCase {
    /// The probe sweep of BatchCommandTests (probe.x = 1 ... 4, two replicates), run.
    func batch() throws -> URL {
        let dir = try BatchCommandTests.project(firms: 50, ticks: 2)
        let r = try UptakeCLI.run(["batch", "experiment.lua", "--out", "r.db", "--quiet"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return dir
    }

    func testTheBoxOfAWholeNumberLeverAndItsFiles() throws {
        let dir = try batch()
        let r = try UptakeCLI.run(["discover", "r.db", "--outcome", "probe_x>=3", "--csv", "found"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4 of 8 runs are cases of interest (50%)."), r.stdout)
        let chosenStep = "  * 2  peel probe.x >= 3      100%     100%   50%     4           1"
        XCTAssertTrue(r.stdout.contains(chosenStep), r.stdout)
        XCTAssertTrue(r.stdout.contains("Box at step 2, the first with density >= 80%"), r.stdout)
        XCTAssertTrue(r.stdout.contains("probe.x  >= 3 (3, 4)"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("Wrote 4 CSV files into found\n"), r.stdout)
        let box = try String(contentsOf: dir.appendingPathComponent("found/box.csv"), encoding: .utf8)
        XCTAssertTrue(box.contains("\n2,probe.x,discrete,3,4,1,4,,,0.0625,\n"), box)

        let json = try UptakeCLI.run(
            ["discover", "r.db", "--outcome", "probe_x", "--threshold", "2", "--below", "--json"], in: dir)
        XCTAssertEqual(json.status, 0, json.stderr)
        let lines = try json.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(lines.first?["condition"] as? String, "probe_x<=2")
        let found = try XCTUnwrap(lines.first { $0["kind"] as? String == "box" })
        let limits = try XCTUnwrap(found["limits"] as? [String: [String: Any]])
        XCTAssertEqual(limits["probe.x"]?["high"] as? Double, 2)
        XCTAssertEqual(found["density"] as? Double, 1)
    }

    func testMistakesAreOneLineWithAFix() throws {
        let dir = try batch()
        let noThreshold = try UptakeCLI.run(["discover", "r.db", "--outcome", "probe_x"], in: dir)
        XCTAssertEqual(noThreshold.status, 1)
        XCTAssertEqual(
            noThreshold.stderr,
            "Error: uptake discover: which runs are the cases of interest is not said. Add --threshold NUMBER (the runs with probe_x at or above it; --below for at or below), or give a condition: --outcome 'probe_x>=NUMBER'\n"
        )
        let everyRun = try UptakeCLI.run(["discover", "r.db", "--outcome", "probe_x>=0"], in: dir)
        XCTAssertEqual(everyRun.status, 1)
        XCTAssertTrue(everyRun.stderr.contains("all of the 8 runs meet probe_x>=0"), everyRun.stderr)
        let density = try UptakeCLI.run(["discover", "r.db", "--outcome", "probe_x>=3", "--density", "2"], in: dir)
        XCTAssertEqual(density.status, 64)
        XCTAssertTrue(
            density.stderr.contains("use a share more than 0 and at most 1, e.g. --density 0.8"), density.stderr)
    }
}
