import Foundation

/// Mean, standard deviation and a 95% confidence interval of the mean
/// (Student's t, so few replicates give honest, wide intervals).
public struct SampleStatistics: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// Sample standard deviation (n - 1); 0 for one value.
    public var standardDeviation: Double
    public var ciLow: Double
    public var ciHigh: Double

    public init(_ values: [Double]) {
        let xs = values.filter { !$0.isNaN }
        count = xs.count
        mean = xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count)
        let m = mean
        standardDeviation =
            xs.count > 1 ? (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)).squareRoot() : 0
        let half =
            xs.count > 1
            ? SampleStatistics.t975(degreesOfFreedom: xs.count - 1) * standardDeviation / Double(xs.count).squareRoot()
            : 0
        ciLow = mean - half
        ciHigh = mean + half
    }

    /// The 97.5% quantile of Student's t: exact table to 30 degrees of freedom,
    /// then the Cornish-Fisher expansion around the normal (error below 1e-4).
    public static func t975(degreesOfFreedom n: Int) -> Double {
        let table: [Double] = [
            12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
            2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
            2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
        ]
        if n >= 1 && n <= 30 { return table[n - 1] }
        let z = 1.959964, v = Double(n)
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z
        return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
    }
}
