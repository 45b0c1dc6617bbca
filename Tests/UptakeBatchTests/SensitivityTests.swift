import Foundation
import XCTest
import UptakeTestSupport
@testable import UptakeBatch

/// Sobol and Morris estimates on the Ishigami function, computed by a test
/// plugin inside real runs, against the analytic values.
final class SensitivityTests: XCTestCase {
    static func ishigami(_ x: [Double]) -> Double { sin(x[0]) + 7 * pow(sin(x[1]), 2) + 0.1 * pow(x[2], 4) * sin(x[0]) }

    /// A batch of the Ishigami function with `design`; x1 may get a narrower range than [-pi, pi].
    func run(design: String, x1: String = "min = -math.pi, max = math.pi") throws -> SensitivityAnalysis {
        let f = try TemporaryProject()
        let scenario = try f.ishigami()
        let e = try f.experiment(
            """
              scenario = "\(URL(fileURLWithPath: scenario).lastPathComponent)", seed = 17,
              uncertainties = {
                ["ishigami.x1"] = { \(x1) },
                ["ishigami.x2"] = { min = -math.pi, max = math.pi },
                ["ishigami.x3"] = { min = -math.pi, max = math.pi },
              },
              design = \(design),
              record = { final = { "y" } },
            """)
        let (summary, db) = try f.batch(e, jobs: 2)
        XCTAssertEqual(summary.failed, 0)
        return try SensitivityAnalysis(try ResultsData(store: try ResultStore.open(db, readOnly: true)), resamples: 500)
    }

    func testSobolIndicesOfIshigamiContainTheAnalyticValues() throws {
        let analysis = try run(design: "{ kind = \"sobol\", samples = 512 }")
        // Ishigami with a = 7, b = 0.1 (Saltelli et al. 2008; Ishigami and Homma 1990).
        let a = 7.0, b = 0.1, pi4 = pow(Double.pi, 4)
        let v1 = 0.5 * pow(1 + b * pi4 / 5, 2), v2 = a * a / 8, v13 = b * b * pow(Double.pi, 8) * 8 / 225
        let v = v1 + v2 + v13
        let s1 = [v1 / v, v2 / v, 0], st = [(v1 + v13) / v, v2 / v, v13 / v]
        // Ranked by ST, which here is also the order of the names.
        XCTAssertEqual(analysis.rows.map(\.parameter), ["ishigami.x1", "ishigami.x2", "ishigami.x3"])
        for row in analysis.rows {
            let j = try XCTUnwrap(Self.names.firstIndex(of: row.parameter))
            let s = try XCTUnwrap(row.sobol)
            XCTAssertEqual(s.s1, s1[j], accuracy: s.s1Confidence, "S1 of x\(j + 1): \(s)")
            XCTAssertEqual(s.st, st[j], accuracy: s.stConfidence, "ST of x\(j + 1): \(s)")
            XCTAssertLessThan(s.s1Confidence, 0.25, "intervals so wide the test could not fail")
        }
        let y = try XCTUnwrap(analysis.outputs.first { $0.metric == "y" })
        XCTAssertNil(y.suggestedSize, "512 samples are enough for the Ishigami function: \(y.instability ?? "")")
        XCTAssertFalse(analysis.text.contains("Warning"), analysis.text)
    }

    func testMorrisMuStarOfIshigamiContainsTheExactGridValue() throws {
        let levels = 4
        let analysis = try run(design: "{ kind = \"morris\", trajectories = 120, levels = \(levels) }")
        // The exact mu* on the 4-level grid: every point before a move is uniform on the grid,
        // so mu*_j is the mean of |f(x up) - f(x down)| / delta over all grid points that can move.
        let delta = MorrisSampler.delta(levels: levels), grid = (0..<levels).map { Double($0) / Double(levels - 1) }
        func scale(_ u: Double) -> Double { -Double.pi + u * 2 * Double.pi }
        for row in analysis.rows {
            let j = try XCTUnwrap(Self.names.firstIndex(of: row.parameter))
            var sum = 0.0, count = 0
            for a in grid {
                for b in grid {
                    for c in grid {
                        var x = [a, b, c]
                        guard x[j] + delta <= 1 + 1e-12 else { continue }
                        let low = Self.ishigami(x.map(scale))
                        x[j] += delta
                        sum += abs(Self.ishigami(x.map(scale)) - low) / delta
                        count += 1
                    }
                }
            }
            let exact = sum / Double(count)
            let m = try XCTUnwrap(row.morris)
            // The series keeps 9 significant digits, hence the small floor under the interval.
            XCTAssertEqual(m.muStar, exact, accuracy: max(m.muStarConfidence, 1e-6 * exact), "mu* of x\(j + 1): \(m)")
            XCTAssertLessThan(m.muStarConfidence, exact / 2 + 0.5, "intervals so wide the test could not fail")
        }
        XCTAssertEqual(
            analysis.rows.map(\.morris!.muStar), analysis.rows.map(\.morris!.muStar).sorted(by: >), "ranked by mu*")
        XCTAssertNil(analysis.outputs.first { $0.metric == "y" }?.suggestedSize, "120 trajectories are enough")
    }

    static let names = ["ishigami.x1", "ishigami.x2", "ishigami.x3"]

    func testAnOutputWithOneValueInACellGetsNoIndicesButItsValue() throws {
        let analysis = try run(design: "{ kind = \"sobol\", samples = 64 }")
        // ticks_run is 1 in every run: its variance is 0, and 0 / 0 is no share of anything.
        let ticks = try XCTUnwrap(analysis.outputs.first { $0.metric == "ticks_run" })
        XCTAssertEqual(ticks.constant, 1)
        XCTAssertTrue(ticks.rows.isEmpty)
        XCTAssertEqual(Set(analysis.rows.map(\.metric)), ["y"], "only the varying output has index rows")
        XCTAssertTrue(
            analysis.text.contains("\nticks_run: constant (ticks_run = 1): no variance to apportion\n"), analysis.text)
        XCTAssertFalse(analysis.text.contains("S1 0 +/- 0"), analysis.text)
        let lines = analysis.jsonLines.filter { $0["metric"] as? String == "ticks_run" }
        XCTAssertEqual(
            lines.compactMap { $0["parameter"] as? String }, Self.names, "one line per parameter, as for any output")
        for line in lines {
            XCTAssertEqual(line["constant"] as? Double, 1)
            for key in ["S1", "S1_conf", "ST", "ST_conf", "rank"] {
                XCTAssertTrue(line[key] is NSNull, "\(key): \(line)")
            }
        }
        let y = analysis.jsonLines.filter { $0["metric"] as? String == "y" }
        XCTAssertEqual(y.count, 3)
        XCTAssertTrue(y.allSatisfy { $0["constant"] is NSNull && $0["S1"] is Double })
        XCTAssertEqual(Set(analysis.jsonLines.map { $0.keys.sorted() }).count, 1, "every line has the same keys")
    }

    func testParametersAreRankedLargestFirstNotByName() throws {
        // x1 over a hundredth of its range barely moves y: x2 leads, x1 falls behind x3... or not, but never first.
        for design in ["{ kind = \"sobol\", samples = 128 }", "{ kind = \"morris\", trajectories = 40 }"] {
            let analysis = try run(design: design, x1: "min = -0.03, max = 0.03")
            let keys = analysis.rows.map { $0.sobol?.st ?? $0.morris!.muStar }
            XCTAssertEqual(keys, keys.sorted(by: >), "\(design): \(analysis.text)")
            XCTAssertEqual(analysis.rows.first?.parameter, "ishigami.x2", analysis.text)
            XCTAssertNotEqual(analysis.rows.map(\.parameter), Self.names, analysis.text)
            let ranks = analysis.jsonLines.filter { $0["metric"] as? String == "y" }.map {
                "\($0["rank"]!) \($0["parameter"]!)"
            }
            XCTAssertEqual(ranks, analysis.rows.enumerated().map { "\($0.offset + 1) \($0.element.parameter)" })
        }
    }

    func testAnIndexOutsideZeroToOneBeyondItsHalfWidthIsFlaggedAndOneWithinIsNot() {
        func output(_ s1: Double, _ s1Confidence: Double, _ st: Double, _ stConfidence: Double)
            -> SensitivityAnalysis.Output
        {
            var row = SensitivityAnalysis.Row(cell: 0, cellLabel: "", metric: "y", parameter: "x")
            row.sobol = (s1, s1Confidence, st, stConfidence)
            var o = SensitivityAnalysis.Output(cell: 0, cellLabel: "", metric: "y", rows: [row], size: 64)
            SensitivityAnalysis.checkStability(&o)
            return o
        }
        XCTAssertNil(output(-0.05, 0.1, 0.3, 0.1).suggestedSize, "below 0 only by noise the interval covers")
        XCTAssertNil(output(0.9, 0.1, 1.05, 0.1).suggestedSize)
        XCTAssertEqual(output(-0.3, 0.1, 0.3, 0.1).instability, "S1 of x = -0.3 +/- 0.1")
        XCTAssertEqual(output(0.9, 0.1, 1.3, 0.2).instability, "ST of x = 1.3 +/- 0.2")
        // Half-width 0.2 is 4 x 0.05: 16 x 64 samples, rounded up to a power of ten.
        XCTAssertEqual(output(0.9, 0.1, 1.3, 0.2).suggestedSize, 10_000)
    }

    func testATinyDesignWarnsToRaiseTheSampleSize() throws {
        let sobol = try run(design: "{ kind = \"sobol\", samples = 4 }")
        let y = try XCTUnwrap(sobol.outputs.first { $0.metric == "y" })
        XCTAssertNotNil(y.suggestedSize, sobol.text)
        XCTAssertTrue(sobol.text.contains("Warning: too few samples for stable indices ("), sobol.text)
        XCTAssertTrue(sobol.text.contains("raise samples from 4 to the order of "), sobol.text)
        XCTAssertGreaterThanOrEqual(y.suggestedSize ?? 0, 40)
        let morris = try run(design: "{ kind = \"morris\", trajectories = 2 }")
        XCTAssertTrue(morris.text.contains("Warning: too few trajectories for stable indices ("), morris.text)
        XCTAssertTrue(morris.text.contains("raise trajectories from 2 to the order of "), morris.text)
        XCTAssertTrue(
            morris.jsonLines.filter { $0["metric"] as? String == "y" }.allSatisfy {
                $0["suggested_trajectories"] is Int
            })
    }

    func testSensitivityRefusesADesignWithoutIndices() throws {
        let f = try TemporaryProject()
        try f.scenario()
        let (_, db) = try f.batch(
            try f.experiment("scenario = \"scenario.lua\", levers = { [\"model.word_of_mouth\"] = { 0.3 } },"))
        XCTAssertThrowsError(try SensitivityAnalysis(try ResultsData(store: try ResultStore.open(db, readOnly: true))))
        {
            XCTAssertTrue("\($0)".contains("sobol or morris design"), "\($0)")
        }
    }
}
