import XCTest

@testable import UptakeBatch

/// PRIM on data whose answer is known, and its parts (quantile, objective,
/// quasi-p, feature scores) on hand-checked numbers.
final class PrimTests: XCTestCase {
    /// n points uniform in [0, 1]^3 (counter-based draws, the same on every machine).
    func uniformPoints(_ n: Int, seed: UInt64 = 3) -> [[Double]] {
        let draws = DesignDraws(seed: seed, purpose: 99)
        return (0..<3).map { column in (0..<n).map { draws.uniform(row: $0, column: column) } }
    }

    func testRecoversAPlantedBox() {
        let x = uniformPoints(1000)
        let cases = (0..<1000).map { i in (0.2...0.6).contains(x[0][i]) && x[1][i] >= 0.5 }
        let prim = Prim(
            dimensions: (0..<3).map { Prim.Dimension(name: "x\($0)", numbers: x[$0]) }, cases: cases)
        XCTAssertEqual(prim.dimensions.map(\.kind), [.continuous, .continuous, .continuous])
        let first = prim.trajectory[0]
        XCTAssertEqual(first.coverage, 1)
        XCTAssertEqual(first.mass, 1)
        XCTAssertEqual(first.density, Double(cases.filter { $0 }.count) / 1000)

        // The densest box is the planted one: x0 in about [0.2, 0.6], x1 >= about 0.5, x2 free.
        let last = prim.trajectory.last!
        XCTAssertEqual(last.restricted, [0, 1])
        guard case let .interval(lower0, upper0) = last.limits[0], case let .interval(lower1, _) = last.limits[1]
        else { return XCTFail("numeric limits expected") }
        XCTAssertEqual(lower0, 0.2, accuracy: 0.03)
        XCTAssertEqual(upper0, 0.6, accuracy: 0.03)
        XCTAssertEqual(lower1, 0.5, accuracy: 0.03)
        XCTAssertGreaterThan(last.density, 0.95)
        XCTAssertGreaterThan(last.coverage, 0.9)

        // Along the trajectory coverage never rises while peeling, and the box shrinks.
        let peels = prim.trajectory.prefix { if case .paste = $0.move { return false } else { return true } }
        for (a, b) in zip(peels, peels.dropFirst()) {
            XCTAssertLessThanOrEqual(b.coverage, a.coverage)
            XCTAssertLessThan(b.count, a.count)
            XCTAssertGreaterThan(b.density, a.density)
        }
        let chosen = prim.firstStep(withDensityAtLeast: 0.8)!
        XCTAssertGreaterThanOrEqual(prim.trajectory[chosen].density, 0.8)
        XCTAssertLessThan(prim.trajectory[chosen - 1].density, 0.8)
        XCTAssertEqual(prim.rows(inside: chosen).count, prim.trajectory[chosen].count)

        // x2 does not matter; x0 and x1 do, and their restrictions are significant.
        let scores = FeatureScores(dimensions: prim.dimensions, cases: cases)
        XCTAssertEqual(scores.ranked.map(\.name).last, "x2")
        XCTAssertLessThan(scores.ranked.last!.score, scores.criticalDistance!)
        let quasiP = prim.quasiP(step: prim.trajectory.count - 1)
        XCTAssertLessThan(quasiP[0]!.lower!, 1e-6)
        XCTAssertLessThan(quasiP[1]!.lower!, 1e-6)
    }

    func testFindsACategoryAndAWholeNumberRange() {
        let x = uniformPoints(600, seed: 8)
        let kinds = (0..<600).map { ["a", "b", "c"][$0 % 3] }
        let counts = (0..<600).map { Double(1 + ($0 / 3) % 4) }  // 1 ... 4
        let cases = (0..<600).map { kinds[$0] != "c" && counts[$0] >= 2 && x[0][$0] >= 0.3 }
        let prim = Prim(
            dimensions: [
                Prim.Dimension(name: "kind", categories: kinds), Prim.Dimension(name: "count", numbers: counts),
                Prim.Dimension(name: "x", numbers: x[0]),
            ], cases: cases)
        XCTAssertEqual(prim.dimensions.map(\.kind), [.categorical, .discrete, .continuous])
        XCTAssertEqual(prim.dimensions[0].categories, ["a", "b", "c"])
        let last = prim.trajectory.last!
        // The category and the whole numbers are cut exactly; the last 5% slice of x overshoots 0.3 a little.
        XCTAssertGreaterThan(last.density, 0.97)
        XCTAssertGreaterThan(last.coverage, 0.95)
        XCTAssertEqual(last.limits[0], .categories([0, 1]))
        XCTAssertEqual(last.limits[1], .interval(lower: 2, upper: 4))
        guard case let .interval(lower, upper) = last.limits[2] else { return XCTFail() }
        XCTAssertEqual(lower, 0.3, accuracy: 0.04)
        XCTAssertEqual(upper, prim.dimensions[2].values.max())
    }

    /// Where uptake departs from EMA on purpose: a pasted whole-number limit
    /// moves outward to the next value the input takes (EMA 2.5 leaves it
    /// halfway, 4.5 or 7.5 here, which adds no row).
    func testAPastedWholeNumberLimitIsAValueTheInputTakes() {
        let levels = (0..<200).map { Double(1 + $0 % 10) }  // 1 ... 10
        let prim = Prim(
            dimensions: [Prim.Dimension(name: "level", numbers: levels)], cases: levels.map { $0 >= 5 })
        XCTAssertEqual(prim.dimensions[0].kind, .discrete)
        let rows = levels.indices.filter { (5...7).contains(levels[$0]) }
        let box = Prim.Box(limits: [.interval(lower: 5, upper: 7)], rows: rows, cases: rows.count, move: .start)
        let pastes = prim.pastes(of: box, dimension: 0)
        XCTAssertEqual(pastes.map(\.limits), [[.interval(lower: 4, upper: 7)], [.interval(lower: 5, upper: 8)]])
        XCTAssertEqual(pastes.map { Set($0.rows.map { levels[$0] }) }, [[4, 5, 6, 7], [5, 6, 7, 8]])
    }

    /// EMA Workbench's get_quantile: the midpoint around (n - 1) q, past equal values.
    func testQuantileFallsBetweenTwoValuesTheDataTakes() {
        let data = (0...20).map(Double.init)
        XCTAssertEqual(Prim.quantile(sorted: data, 0.05), 1.5)
        XCTAssertEqual(Prim.quantile(sorted: data, 0.95), 18.5)
        XCTAssertEqual(Prim.quantile(sorted: [1, 1, 1, 1, 2, 3], 0.05), 1.5)
        XCTAssertEqual(Prim.quantile(sorted: [1, 2, 3, 3, 3, 3], 0.95), 2.5)
        XCTAssertEqual(Prim.quantile(sorted: [4, 4, 4], 0.95), 4)
        XCTAssertEqual(Prim.quantile(sorted: [7], 0.05), 7)
    }

    /// LENIENT1: the gain in the share of cases per row removed.
    func testObjectiveIsTheGainPerRowRemoved() {
        let old = Prim.Box(limits: [], rows: Array(0..<100), cases: 20, move: .start)
        let new = Prim.Box(limits: [], rows: Array(0..<95), cases: 20, move: .start)
        XCTAssertEqual(Prim.objective(from: old, to: new), (20.0 / 95 - 0.2) / 5, accuracy: 1e-15)
        XCTAssertEqual(Prim.objective(from: old, to: old), 0)
        let empty = Prim.Box(limits: [], rows: [], cases: 0, move: .start)
        XCTAssertEqual(Prim.objective(from: old, to: empty), -0.2 / 100, accuracy: 1e-15)
    }

    func testBinomialUpperTail() {
        XCTAssertEqual(Prim.binomialUpperTail(atLeast: 3, of: 5, share: 0.5), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Prim.binomialUpperTail(atLeast: 1, of: 10, share: 0.1), 1 - pow(0.9, 10), accuracy: 1e-12)
        XCTAssertEqual(Prim.binomialUpperTail(atLeast: 0, of: 10, share: 0.3), 1)
        XCTAssertEqual(Prim.binomialUpperTail(atLeast: 4, of: 10, share: 0), 0)
        XCTAssertEqual(Prim.binomialUpperTail(atLeast: 10, of: 10, share: 1), 1)
        // Far in the tail: sum over i >= 600 of C(1000, i) / 2^1000, computed exactly with integers.
        XCTAssertEqual(
            Prim.binomialUpperTail(atLeast: 600, of: 1000, share: 0.5), 1.3642320780330092e-10, accuracy: 1e-18)
    }

    func testFeatureScoresAreKolmogorovSmirnovAndTotalVariationDistances() {
        // Cases at 1, 2, 3; others at 2, 4, 5, 6: the ECDFs differ most after 3 (1 - 1/4).
        let values: [Double] = [1, 2, 3, 2, 4, 5, 6]
        let cases = [true, true, true, false, false, false, false]
        XCTAssertEqual(FeatureScores.kolmogorovSmirnov(values, cases: cases), 0.75, accuracy: 1e-15)
        XCTAssertEqual(FeatureScores.kolmogorovSmirnov([1, 1, 1, 1], cases: [true, false, true, false]), 0)
        let kind = Prim.Dimension(name: "kind", categories: ["a", "a", "b", "a", "b", "b", "c"])
        let (distance, favoured) = FeatureScores.totalVariation(kind, cases: cases)
        // Cases: a 2/3, b 1/3; others: a 1/4, b 2/4, c 1/4.
        XCTAssertEqual(distance, (abs(2.0 / 3 - 0.25) + abs(1.0 / 3 - 0.5) + 0.25) / 2, accuracy: 1e-15)
        XCTAssertEqual(favoured?.category, "a")
        let scores = FeatureScores(
            dimensions: [Prim.Dimension(name: "v", numbers: values), kind], cases: cases)
        XCTAssertEqual(scores.ranked.map(\.name), ["v", "kind"])
        XCTAssertEqual(scores.ranked.map(\.rank), [1, 2])
        XCTAssertEqual(scores.ranked[0].meanInCases, 2)
    }

    /// Every row a case (or none): nothing to peel, one step, no crash.
    func testNothingToSeparateGivesTheWholeBox() {
        let x = uniformPoints(50)
        for cases in [[Bool](repeating: true, count: 50), [Bool](repeating: false, count: 50)] {
            let prim = Prim(dimensions: [Prim.Dimension(name: "x", numbers: x[0])], cases: cases)
            XCTAssertEqual(prim.trajectory.count, 1)
            XCTAssertEqual(prim.trajectory[0].restricted, [])
        }
        // A constant input is never restricted.
        let constant = Prim(
            dimensions: [Prim.Dimension(name: "c", numbers: [Double](repeating: 2, count: 50))],
            cases: (0..<50).map { $0 % 2 == 0 })
        XCTAssertEqual(constant.trajectory.count, 1)
    }
}
