/// First-order and total Sobol indices from outputs in Saltelli's layout
/// (blocks of d + 2: A, AB_1 ... AB_d, B), with the estimators SALib uses:
/// outputs standardised, S1 after Saltelli (2010), ST after Jansen (1999),
/// and confidence half-widths from a bootstrap over blocks
/// (1.96 x the bootstrap standard deviation).
public struct SobolIndices: Sendable, Equatable {
    public var firstOrder: [Double]
    public var firstOrderConfidence: [Double]
    public var total: [Double]
    public var totalConfidence: [Double]

    /// `outputs` has N (d + 2) values; `resamples` bootstrap draws keyed by `seed`.
    public static func estimate(outputs: [Double], dimensions d: Int, resamples: Int = 1000, seed: UInt64)
        -> SobolIndices
    {
        let block = d + 2, n = outputs.count / block
        let mean = outputs.reduce(0, +) / Double(outputs.count)
        let sd = (outputs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(outputs.count)).squareRoot()
        let y = outputs.map { sd > 0 ? ($0 - mean) / sd : 0 }
        let a = (0..<n).map { y[$0 * block] }, b = (0..<n).map { y[$0 * block + d + 1] }
        let ab = (0..<d).map { j in (0..<n).map { y[$0 * block + 1 + j] } }
        let all = Array(0..<n)
        let draws = DesignDraws(seed: seed, purpose: 10)
        // One resample of the blocks at a time, shared by every parameter (memory stays O(N)).
        var bootFirst = [[Double]](repeating: [], count: d), bootTotal = [[Double]](repeating: [], count: d)
        for r in 0..<resamples {
            let rows = (0..<n).map { draws.index(below: n, row: r, column: $0) }
            for j in 0..<d {
                bootFirst[j].append(first(a, ab[j], b, rows))
                bootTotal[j].append(total(a, ab[j], b, rows))
            }
        }
        return SobolIndices(
            firstOrder: (0..<d).map { first(a, ab[$0], b, all) },
            firstOrderConfidence: bootFirst.map { 1.959964 * standardDeviation($0) },
            total: (0..<d).map { total(a, ab[$0], b, all) },
            totalConfidence: bootTotal.map { 1.959964 * standardDeviation($0) })
    }

    /// Variance (n denominator) of A and B together, over the rows in `rows`.
    static func variance(_ a: [Double], _ b: [Double], _ rows: [Int]) -> Double {
        var sum = 0.0, sumSquares = 0.0
        for i in rows {
            sum += a[i] + b[i]
            sumSquares += a[i] * a[i] + b[i] * b[i]
        }
        let count = Double(2 * rows.count), m = sum / count
        return sumSquares / count - m * m
    }

    static func first(_ a: [Double], _ ab: [Double], _ b: [Double], _ rows: [Int]) -> Double {
        let v = variance(a, b, rows)
        guard v > 0 else { return 0 }
        var s = 0.0
        for i in rows { s += b[i] * (ab[i] - a[i]) }
        return s / Double(rows.count) / v
    }

    static func total(_ a: [Double], _ ab: [Double], _ b: [Double], _ rows: [Int]) -> Double {
        let v = variance(a, b, rows)
        guard v > 0 else { return 0 }
        var s = 0.0
        for i in rows { s += (a[i] - ab[i]) * (a[i] - ab[i]) }
        return 0.5 * s / Double(rows.count) / v
    }

    /// Sample standard deviation (n - 1), as numpy's std(ddof=1).
    static func standardDeviation(_ xs: [Double]) -> Double { SampleStatistics(xs).standardDeviation }
}
