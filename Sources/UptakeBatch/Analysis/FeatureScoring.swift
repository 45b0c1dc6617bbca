import Foundation

/// Which inputs drive a binary outcome: for each input, how differently it
/// is distributed in the cases of interest and in the other rows, the
/// statistic of regional sensitivity analysis (Spear and Hornberger 1980;
/// EMA Workbench plots it as `regional_sa`).
///
/// - A numeric input scores the two-sample Kolmogorov-Smirnov distance: the
///   largest gap between the two empirical distribution functions (what
///   `scipy.stats.ks_2samp` reports as its statistic).
/// - A categorical input scores the total-variation distance: half the sum
///   over its categories of the gap between the two shares, which is the
///   largest gap in share over any set of categories (the KS distance
///   without an order).
///
/// Both run from 0 (the input is spread alike in both groups: it does not
/// tell them apart) to 1 (no value is shared: it alone separates them).
/// Deterministic, with no random forest to seed; EMA's default, the
/// extra-trees importance, also weighs interactions, which this does not.
///
///     let scores = FeatureScores(dimensions: prim.dimensions, cases: prim.cases)
///     scores.ranked.first?.name  // the input that separates the cases most
public struct FeatureScores: Sendable {
    public struct Score: Sendable {
        public var dimension: Int
        public var name: String
        /// KS distance (numeric) or total-variation distance (categorical), 0 ... 1.
        public var score: Double
        /// A numeric input's mean in the cases of interest and in the other rows.
        public var meanInCases: Double?
        public var meanInOthers: Double?
        /// A categorical input's category most over-represented among the
        /// cases, with its share in the cases and in the other rows.
        public var favoured: (category: String, inCases: Double, inOthers: Double)?
        public var rank = 0
    }

    /// Largest score first; equal scores keep the inputs' order.
    public var ranked: [Score]
    public var casesCount: Int
    public var othersCount: Int

    /// The KS distance above which two samples of these sizes differ at the
    /// 5% level (the large-sample approximation 1.358 sqrt((n + m) / (n m));
    /// conservative for inputs with few values). Nil when a group is empty.
    public var criticalDistance: Double? {
        guard casesCount > 0, othersCount > 0 else { return nil }
        let n = Double(casesCount), m = Double(othersCount)
        return 1.358 * ((n + m) / (n * m)).squareRoot()
    }

    public init(dimensions: [Prim.Dimension], cases: [Bool]) {
        casesCount = cases.filter { $0 }.count
        othersCount = cases.count - casesCount
        var scores: [Score] = []
        for (j, d) in dimensions.enumerated() {
            var score = Score(dimension: j, name: d.name, score: 0)
            if d.kind == .categorical {
                (score.score, score.favoured) = FeatureScores.totalVariation(d, cases: cases)
            } else {
                score.score = FeatureScores.kolmogorovSmirnov(d.values, cases: cases)
                score.meanInCases = FeatureScores.mean(d.values, cases, true)
                score.meanInOthers = FeatureScores.mean(d.values, cases, false)
            }
            scores.append(score)
        }
        ranked = scores.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.enumerated().map { rank, entry in
            var s = entry.element
            s.rank = rank + 1
            return s
        }
    }

    static func mean(_ values: [Double], _ cases: [Bool], _ group: Bool) -> Double? {
        let chosen = values.indices.filter { cases[$0] == group }.map { values[$0] }
        return chosen.isEmpty ? nil : chosen.reduce(0, +) / Double(chosen.count)
    }

    /// sup over x of |F_cases(x) - F_others(x)|, evaluated after each distinct value.
    static func kolmogorovSmirnov(_ values: [Double], cases: [Bool]) -> Double {
        let n = cases.filter { $0 }.count, m = cases.count - n
        guard n > 0, m > 0 else { return 0 }
        let order = values.indices.sorted { values[$0] < values[$1] }
        var inCases = 0, inOthers = 0, largest = 0.0
        for (position, row) in order.enumerated() {
            if cases[row] { inCases += 1 } else { inOthers += 1 }
            // Only after the last row of a run of equal values is the step complete.
            if position + 1 < order.count && values[order[position + 1]] == values[row] { continue }
            largest = max(largest, abs(Double(inCases) / Double(n) - Double(inOthers) / Double(m)))
        }
        return largest
    }

    /// Half the L1 distance between the category shares, and the category whose share rises most among the cases.
    static func totalVariation(_ d: Prim.Dimension, cases: [Bool])
        -> (Double, (category: String, inCases: Double, inOthers: Double)?)
    {
        let n = cases.filter { $0 }.count, m = cases.count - n
        guard n > 0, m > 0 else { return (0, nil) }
        var countInCases = [Int](repeating: 0, count: d.categories.count)
        var countInOthers = countInCases
        for (row, code) in d.values.enumerated() {
            if cases[row] { countInCases[Int(code)] += 1 } else { countInOthers[Int(code)] += 1 }
        }
        var distance = 0.0
        var favoured: (category: String, inCases: Double, inOthers: Double)?
        for c in d.categories.indices {
            let a = Double(countInCases[c]) / Double(n), b = Double(countInOthers[c]) / Double(m)
            distance += abs(a - b) / 2
            if a - b > (favoured.map { $0.inCases - $0.inOthers } ?? 0) { favoured = (d.categories[c], a, b) }
        }
        return (distance, favoured)
    }
}
