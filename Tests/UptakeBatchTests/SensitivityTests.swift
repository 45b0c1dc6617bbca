import Foundation
import XCTest
@testable import UptakeBatch

/// Sobol and Morris estimates on the Ishigami function, computed by a test
/// plugin inside real runs, against the analytic values.
final class SensitivityTests: XCTestCase {
    static func ishigami(_ x: [Double]) -> Double { sin(x[0]) + 7 * pow(sin(x[1]), 2) + 0.1 * pow(x[2], 4) * sin(x[0]) }

    func run(design: String) throws -> SensitivityAnalysis {
        let f = try BatchFixture()
        let scenario = try f.ishigami()
        let e = try f.experiment("""
          scenario = "\(URL(fileURLWithPath: scenario).lastPathComponent)", seed = 17,
          uncertainties = {
            ["ishigami.x1"] = { min = -math.pi, max = math.pi },
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
        XCTAssertEqual(analysis.rows.map(\.parameter), ["ishigami.x1", "ishigami.x2", "ishigami.x3"])
        for (j, row) in analysis.rows.enumerated() {
            let s = try XCTUnwrap(row.sobol)
            XCTAssertEqual(s.s1, s1[j], accuracy: s.s1Confidence, "S1 of x\(j + 1): \(s)")
            XCTAssertEqual(s.st, st[j], accuracy: s.stConfidence, "ST of x\(j + 1): \(s)")
            XCTAssertLessThan(s.s1Confidence, 0.25, "intervals so wide the test could not fail")
        }
    }

    func testMorrisMuStarOfIshigamiContainsTheExactGridValue() throws {
        let levels = 4
        let analysis = try run(design: "{ kind = \"morris\", trajectories = 120, levels = \(levels) }")
        // The exact mu* on the 4-level grid: every point before a move is uniform on the grid,
        // so mu*_j is the mean of |f(x up) - f(x down)| / delta over all grid points that can move.
        let delta = MorrisSampler.delta(levels: levels), grid = (0..<levels).map { Double($0) / Double(levels - 1) }
        func scale(_ u: Double) -> Double { -Double.pi + u * 2 * Double.pi }
        for (j, row) in analysis.rows.enumerated() {
            var sum = 0.0, count = 0
            for a in grid { for b in grid { for c in grid {
                var x = [a, b, c]
                guard x[j] + delta <= 1 + 1e-12 else { continue }
                let low = Self.ishigami(x.map(scale))
                x[j] += delta
                sum += abs(Self.ishigami(x.map(scale)) - low) / delta
                count += 1
            } } }
            let exact = sum / Double(count)
            let m = try XCTUnwrap(row.morris)
            // The series keeps 9 significant digits, hence the small floor under the interval.
            XCTAssertEqual(m.muStar, exact, accuracy: max(m.muStarConfidence, 1e-6 * exact), "mu* of x\(j + 1): \(m)")
            XCTAssertLessThan(m.muStarConfidence, exact / 2 + 0.5, "intervals so wide the test could not fail")
        }
    }

    func testSensitivityRefusesADesignWithoutIndices() throws {
        let f = try BatchFixture()
        try f.scenario()
        let (_, db) = try f.batch(try f.experiment("scenario = \"scenario.lua\", levers = { [\"model.word_of_mouth\"] = { 0.3 } },"))
        XCTAssertThrowsError(try SensitivityAnalysis(try ResultsData(store: try ResultStore.open(db, readOnly: true)))) {
            XCTAssertTrue("\($0)".contains("sobol or morris design"), "\($0)")
        }
    }
}
