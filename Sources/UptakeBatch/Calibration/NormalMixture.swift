import Foundation

/// A weighted mixture of normal distributions with one standard deviation: what a
/// survey would report if the truth were one of the particles' simulated values
/// (picked by weight) and the survey added its sampling error.
struct NormalMixture {
    var means: [Double]
    /// Normalised (summing to 1).
    var weights: [Double]
    var sd: Double

    func cdf(_ x: Double) -> Double {
        zip(means, weights).map { m, w in w * 0.5 * erfc(-(x - m) / (sd * 2.0.squareRoot())) }.reduce(0, +)
    }

    /// The value below which a share q lies, by bisection (the CDF is increasing); the weighted
    /// quantile of the means (as a population's) when sd is 0; NaN without means.
    func quantile(_ q: Double) -> Double {
        guard !means.isEmpty else { return .nan }
        guard sd > 0 else {
            return ABCSMC.Population(particles: means.map { [$0] }, weights: weights, distances: [], tolerance: 0)
                .quantile(q, 0)
        }
        var low = means.min()! - 10 * sd, high = means.max()! + 10 * sd
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if cdf(middle) < q { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
