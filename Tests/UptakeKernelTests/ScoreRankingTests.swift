import XCTest

@testable import UptakeKernel

/// The radix ranking gives exactly the order of the comparison sort it replaces: falling score,
/// ties by rising firm number, 0.0 and -0.0 equal, for scores whose digits differ in every pass.
final class ScoreRankingTests: XCTestCase {
    func reference(_ score: [Double]) -> [Int] {
        score.indices.sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
    }

    func testTheRadixOrderIsTheComparisonSortsOrder() {
        let rng = CounterRNG(seed: 11)
        var score = (0..<50_000).map { rng.normal(tick: 0, firm: $0, stream: .innovativeness) * 1e3 }
        // Ties (repeated values), signed zeros, extremes and subnormals.
        for i in stride(from: 0, to: score.count, by: 97) { score[i] = score[i / 2] }
        score[5] = 0
        score[6] = -0.0
        score[7] = .infinity
        score[8] = -.infinity
        score[9] = .leastNonzeroMagnitude
        score[10] = -.leastNonzeroMagnitude
        score[11] = .greatestFiniteMagnitude
        XCTAssertEqual(ScoreRanking.descending(score), reference(score))
        // Scores that share their high digits (every key's top pass the same): that pass is skipped.
        let narrow = (0..<5_000).map { 1.0 + Double($0 % 1_000) * 1e-12 }
        XCTAssertEqual(ScoreRanking.descending(narrow), reference(narrow))
        // A NaN takes the comparison sort.
        var withNaN = Array(score.prefix(100))
        withNaN[3] = .nan
        XCTAssertEqual(ScoreRanking.descending(withNaN), reference(withNaN))
    }
}
