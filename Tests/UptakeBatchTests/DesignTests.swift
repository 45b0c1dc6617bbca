import XCTest
import UptakeTestSupport
@testable import UptakeBatch
import UptakeScripting

final class DesignTests: XCTestCase {
    func testLatinHypercubePutsExactlyOneSampleInEachStratumOfEachParameter() {
        for n in [1, 7, 50] {
            let rows = LatinHypercube.sample(n, dimensions: 4, seed: 11)
            XCTAssertEqual(rows.count, n)
            for j in 0..<4 {
                let strata = rows.map { Int(($0[j] * Double(n)).rounded(.down)) }
                XCTAssertEqual(strata.sorted(), Array(0..<n), "parameter \(j), n = \(n)")
            }
        }
        // Seeded: the same seed gives the same design, another seed another.
        XCTAssertEqual(
            LatinHypercube.sample(20, dimensions: 2, seed: 3), LatinHypercube.sample(20, dimensions: 2, seed: 3))
        XCTAssertNotEqual(
            LatinHypercube.sample(20, dimensions: 2, seed: 3), LatinHypercube.sample(20, dimensions: 2, seed: 4))
    }

    func testSaltelliBlocksHoldABMatricesInSALibOrder() {
        let d = 3, rows = SaltelliSampler.sample(5, dimensions: d, seed: 1)
        XCTAssertEqual(rows.count, 5 * (d + 2))
        for i in 0..<5 {
            let a = rows[i * (d + 2)], b = rows[i * (d + 2) + d + 1]
            for j in 0..<d {
                let ab = rows[i * (d + 2) + 1 + j]
                for k in 0..<d { XCTAssertEqual(ab[k], k == j ? b[k] : a[k]) }
            }
            XCTAssertTrue(zip(a, b).allSatisfy { $0 != $1 })
        }
    }

    func testMorrisTrajectoriesMoveEachParameterOnceByDelta() {
        let d = 4, p = 4, rows = MorrisSampler.sample(trajectories: 6, dimensions: d, levels: p, seed: 2)
        let delta = MorrisSampler.delta(levels: p)
        XCTAssertEqual(rows.count, 6 * (d + 1))
        for t in 0..<6 {
            var moved: [Int] = []
            for k in 1...d {
                let before = rows[t * (d + 1) + k - 1], after = rows[t * (d + 1) + k]
                let changed = (0..<d).filter { before[$0] != after[$0] }
                XCTAssertEqual(changed.count, 1)
                XCTAssertEqual(abs(after[changed[0]] - before[changed[0]]), delta, accuracy: 1e-12)
                XCTAssertTrue(after.allSatisfy { $0 >= -1e-12 && $0 <= 1 + 1e-12 })
                moved += changed
            }
            XCTAssertEqual(moved.sorted(), Array(0..<d))
        }
    }

    func plan(_ body: String) throws -> DesignPlan {
        let f = try TemporaryProject()
        try f.scenario()
        return DesignPlan(try f.experiment("scenario = \"scenario.lua\",\n" + body))
    }

    func testReplicateSeedsAreDistinctAndCommonRandomNumbersShareThemAcrossPoints() throws {
        let independent = try plan(
            "levers = { [\"model.word_of_mouth\"] = { 0.2, 0.4, 0.6 } }, replicates = 4, seed = 9")
        let seeds = (0..<independent.runCount).map {
            independent.seed(point: independent.run($0).point, replicate: independent.run($0).replicate)
        }
        XCTAssertEqual(Set(seeds).count, 12, "two runs share a seed")

        let crn = try plan(
            "levers = { [\"model.word_of_mouth\"] = { 0.2, 0.4, 0.6 } }, replicates = 4, seed = 9, common_random_numbers = true"
        )
        for r in 0..<4 {
            XCTAssertEqual(
                Set((0..<3).map { crn.seed(point: $0, replicate: r) }).count, 1, "replicate \(r) differs between points"
            )
        }
        XCTAssertEqual(Set((0..<4).map { crn.seed(point: 0, replicate: $0) }).count, 4, "two replicates share a seed")
    }

    func testGridCrossesListsAndEveryPolicySeesTheSameUncertaintySample() throws {
        let p = try plan(
            """
            levers = { ["model.word_of_mouth"] = { from = 0.2, step = 0.1, to = 0.4 } },
            uncertainties = { ["homophily"] = { min = 0, max = 1 } },
            design = { kind = "lhs", samples = 5 },
            baseline = { ["model.word_of_mouth"] = 0.3 },
            """)
        XCTAssertEqual(p.cellCount, 3)
        XCTAssertEqual(p.pointCount, 15)
        let levers = Set((0..<15).map { p.point($0).values[0].description })
        XCTAssertEqual(levers, ["0.2", "0.3", "0.4"])
        for s in 0..<5 {
            let h = (0..<3).map { p.point($0 * 5 + s).values[1].description }
            XCTAssertEqual(Set(h).count, 1, "policies see different uncertainty values")
            for c in 0..<3 { XCTAssertEqual(p.point(c * 5 + s).baselinePoint, 5 + s) }
        }
    }

    func testShardsPartitionTheRuns() throws {
        let shards = try (1...3).map { try Shard(parsing: "\($0)/3") }
        for run in 0..<50 { XCTAssertEqual(shards.filter { $0.contains(run: run) }.count, 1) }
        XCTAssertThrowsError(try Shard(parsing: "4/3"))
        XCTAssertThrowsError(try Shard(parsing: "0/3"))
    }

    func testStudentQuantile() {
        XCTAssertEqual(SampleStatistics.t975(degreesOfFreedom: 4), 2.7764, accuracy: 1e-4)
        XCTAssertEqual(SampleStatistics.t975(degreesOfFreedom: 40), 2.0211, accuracy: 1e-3)
        XCTAssertEqual(SampleStatistics.t975(degreesOfFreedom: 1000), 1.9623, accuracy: 1e-3)
        let s = SampleStatistics([1, 2, 3, 4])
        XCTAssertEqual(s.mean, 2.5)
        XCTAssertEqual(s.standardDeviation, (5.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s.ciHigh - s.mean, 3.1824 * s.standardDeviation / 2, accuracy: 1e-4)
    }
}
