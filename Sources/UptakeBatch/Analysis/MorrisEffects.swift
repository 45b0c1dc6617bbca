/// Morris elementary effects from trajectories of d + 1 points (as
/// `MorrisSampler` makes them), with SALib's conventions: each effect is the
/// output at the higher value minus the output at the lower, divided by the
/// step in unit scale; mu is their mean, mu* the mean of their absolute
/// values, sigma their standard deviation (n - 1), and mu*'s confidence
/// half-width 1.96 x its bootstrap standard deviation over trajectories.
public struct MorrisEffects: Sendable, Equatable {
    public var mu: [Double]
    public var muStar: [Double]
    public var muStarConfidence: [Double]
    public var sigma: [Double]

    /// `units`: the unit-cube rows; `outputs`: one output per row.
    public static func estimate(units: [[Double]], outputs: [Double], levels: Int, resamples: Int = 1000, seed: UInt64)
        -> MorrisEffects
    {
        let d = units.first?.count ?? 0, size = d + 1, r = outputs.count / size
        let delta = MorrisSampler.delta(levels: levels)
        // effects[j][t]: trajectory t's effect of parameter j.
        var effects = [[Double]](repeating: [Double](repeating: 0, count: r), count: d)
        for t in 0..<r {
            for k in 1..<size {
                let i = t * size + k
                guard let j = (0..<d).first(where: { units[i][$0] != units[i - 1][$0] }) else { continue }
                let up = units[i][j] > units[i - 1][j]
                effects[j][t] = (up ? outputs[i] - outputs[i - 1] : outputs[i - 1] - outputs[i]) / delta
            }
        }
        let draws = DesignDraws(seed: seed, purpose: 11)
        let absolute = effects.map { $0.map { Swift.abs($0) } }
        var bootMuStar = [[Double]](repeating: [], count: d)
        for b in 0..<resamples {
            let rows = (0..<r).map { draws.index(below: r, row: b, column: $0) }
            for j in 0..<d { bootMuStar[j].append(rows.reduce(0) { $0 + absolute[j][$1] } / Double(r)) }
        }
        var result = MorrisEffects(mu: [], muStar: [], muStarConfidence: [], sigma: [])
        for j in 0..<d {
            result.mu.append(effects[j].reduce(0, +) / Double(r))
            result.muStar.append(absolute[j].reduce(0, +) / Double(r))
            result.sigma.append(SobolIndices.standardDeviation(effects[j]))
            result.muStarConfidence.append(1.959964 * SobolIndices.standardDeviation(bootMuStar[j]))
        }
        return result
    }
}
