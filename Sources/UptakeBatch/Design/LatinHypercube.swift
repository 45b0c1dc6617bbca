/// Latin hypercube sampling: each parameter's unit range is cut into `n`
/// equal strata and every stratum holds exactly one of the `n` samples; the
/// strata are paired across parameters by independent random permutations.
public enum LatinHypercube {
    /// `n` rows of `dimensions` unit values in [0, 1).
    public static func sample(_ n: Int, dimensions: Int, seed: UInt64) -> [[Double]] {
        let draws = DesignDraws(seed: seed, purpose: 1)
        var rows = [[Double]](repeating: [Double](repeating: 0, count: dimensions), count: n)
        for j in 0..<dimensions {
            let strata = draws.permutation(n, column: j, draw: 1)
            for i in 0..<n {
                rows[i][j] = (Double(strata[i]) + draws.uniform(row: i, column: j, draw: 2)) / Double(n)
            }
        }
        return rows
    }
}

/// Independent uniform samples.
public enum RandomSampling {
    public static func sample(_ n: Int, dimensions: Int, seed: UInt64) -> [[Double]] {
        let draws = DesignDraws(seed: seed, purpose: 2)
        return (0..<n).map { i in (0..<dimensions).map { draws.uniform(row: i, column: $0) } }
    }
}
