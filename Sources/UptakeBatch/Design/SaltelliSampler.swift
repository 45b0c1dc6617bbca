/// Saltelli's sampling scheme for first-order and total Sobol indices:
/// two independent base matrices A and B (N rows, d columns) and, for each
/// parameter j, the matrix AB_j (A with column j taken from B). Rows come in
/// SALib's order, block by block: A_i, AB_i^1 ... AB_i^d, B_i, so SALib's
/// `sobol.analyze(..., calc_second_order=False)` reads the same outputs.
///
/// A and B are plain counter-based uniform draws (Monte Carlo), not a
/// low-discrepancy sequence: the estimators are unbiased either way; the
/// bootstrap intervals say how many base samples are enough.
public enum SaltelliSampler {
    public static func sample(_ n: Int, dimensions d: Int, seed: UInt64) -> [[Double]] {
        let draws = DesignDraws(seed: seed, purpose: 3)
        var rows: [[Double]] = []
        rows.reserveCapacity(n * (d + 2))
        for i in 0..<n {
            let a = (0..<d).map { draws.uniform(row: i, column: $0) }
            let b = (0..<d).map { draws.uniform(row: i, column: d + $0) }
            rows.append(a)
            for j in 0..<d {
                var ab = a
                ab[j] = b[j]
                rows.append(ab)
            }
            rows.append(b)
        }
        return rows
    }
}
