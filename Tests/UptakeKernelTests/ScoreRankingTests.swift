import XCTest

@testable import UptakeKernel

/// The radix ranking gives exactly the order of the comparison sort it replaces: falling score,
/// ties by rising firm number, 0.0 and -0.0 equal, for scores whose digits differ in every pass.
final class ScoreRankingTests: XCTestCase {
    func reference(_ score: [Double]) -> [Int] {
        score.indices.sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
    }

    /// Normal scores times `scale`, with ties (every 97th repeats an earlier one), signed
    /// zeros, infinities, subnormals and the largest finite values (firms 5 to 12).
    func hardScores(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
        let rng = CounterRNG(seed: seed)
        var score = (0..<count).map { rng.normal(tick: 0, firm: $0, stream: .innovativeness) * scale }
        for i in stride(from: 0, to: count, by: 97) { score[i] = score[i / 2] }
        let extremes: [Double] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        ]
        for (k, x) in extremes.enumerated() { score[5 + k] = x }
        return score
    }

    func testTheRadixOrderIsTheComparisonSortsOrder() {
        let score = hardScores(50_000, seed: 11, scale: 1e3)
        XCTAssertEqual(ScoreRanking.descending(score), reference(score))
        // Scores that share their high digits (every key's top pass the same): that pass is skipped.
        let narrow = (0..<5_000).map { 1.0 + Double($0 % 1_000) * 1e-12 }
        XCTAssertEqual(ScoreRanking.descending(narrow), reference(narrow))
        // A NaN takes the comparison sort.
        var withNaN = Array(score.prefix(100))
        withNaN[3] = .nan
        XCTAssertEqual(ScoreRanking.descending(withNaN), reference(withNaN))
    }

    /// The bands of a list of bounds, as the full order gives them.
    func referenceBands(_ score: [Double], _ bounds: [Int]) -> [UInt8] {
        var band = [UInt8](repeating: 0, count: score.count)
        for (rank, firm) in reference(score).enumerated() { band[firm] = UInt8(bounds.filter { rank >= $0 }.count) }
        return band
    }

    /// The bands (adopter categories, the k most innovative) are those of the full order, for
    /// scores with ties at the cut-offs, signed zeros, extremes, all-equal scores, bunched scores,
    /// bounds at 0 and n or repeated, tiny and large populations, and a NaN.
    func testBandsAreTheFullOrdersBands() {
        var score = hardScores(40_000, seed: 5)
        let categories = PopulationBuilder.categoryBounds(score.count)
        XCTAssertEqual(ScoreRanking.bands(score, bounds: categories), referenceBands(score, categories))
        // A tie exactly at a cut-off: the firm of lower number is in the earlier band.
        let order = reference(score)
        score[order[1_000]] = score[order[999]]
        for bounds in [[1_000], [0, 1_000, 1_000, 40_000], [39_999], [1], [-3, 50_000]] {
            XCTAssertEqual(ScoreRanking.bands(score, bounds: bounds), referenceBands(score, bounds), "\(bounds)")
        }
        // All equal; bunched within one part in 10^12; coarse ties; a few firms; one firm.
        let samples: [[Double]] = [
            [Double](repeating: 0.5, count: 3_000), (0..<5_000).map { 1.0 + Double($0 % 977) * 1e-12 },
            (0..<2_000).map { Double($0 % 7) }, [0.3, -1, 2, 2, 0.3], [4],
            // Scores a subnormal apart (a width whose inverse overflows), and only infinities.
            (0..<300).map { Double($0 % 5) * 1e-310 }, [.infinity, -.infinity, .infinity, -.infinity, .infinity],
        ]
        for sample in samples {
            let bounds = PopulationBuilder.categoryBounds(sample.count)
            XCTAssertEqual(
                ScoreRanking.bands(sample, bounds: bounds), referenceBands(sample, bounds), "\(sample.count)")
            XCTAssertEqual(ScoreRanking.bands(sample, bounds: [2]), referenceBands(sample, [2]), "\(sample.count)")
        }
        var withNaN = Array(score.prefix(300))
        withNaN[3] = .nan
        XCTAssertEqual(ScoreRanking.bands(withNaN, bounds: [10, 100]), referenceBands(withNaN, [10, 100]))
    }
}
