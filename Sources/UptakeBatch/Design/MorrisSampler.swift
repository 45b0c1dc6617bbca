/// Morris' one-at-a-time trajectories on a `levels`-level grid of the unit
/// cube: each trajectory starts at a random grid point and moves each
/// parameter once, in random order, by the step levels / (2 (levels - 1))
/// (up when that stays inside the cube, else down), giving d + 1 points.
/// The start levels are uniform and each move is a bijection of the levels,
/// so the point before every move is uniform on the grid.
public enum MorrisSampler {
    public static func delta(levels p: Int) -> Double { Double(p) / (2 * Double(p - 1)) }

    public static func sample(trajectories r: Int, dimensions d: Int, levels p: Int, seed: UInt64) -> [[Double]] {
        let draws = DesignDraws(seed: seed, purpose: 4)
        let step = delta(levels: p)
        var rows: [[Double]] = []
        rows.reserveCapacity(r * (d + 1))
        for t in 0..<r {
            var x = (0..<d).map { Double(draws.index(below: p, row: t, column: $0, draw: 1)) / Double(p - 1) }
            rows.append(x)
            let order = draws.permutation(d, column: t, draw: 2)
            for j in order {
                x[j] = x[j] + step <= 1 + 1e-12 ? x[j] + step : x[j] - step
                rows.append(x)
            }
        }
        return rows
    }
}
