/// Aggregates of one tick, computed once by the kernel so that every reader
/// (plugins, the series, the summary) gets them in O(1).
public struct TickStats: Sendable {
    public var tick: Int
    public var firmCount: Int
    public var stageCounts: [Int]
    public var adopters: Int
    public var newAdopters: Int
    public var categoryAdopters: [Int]
    public var categoryTotals: [Int]
    public var sectorAdopters: [Int]
    public var sectorTotals: [Int]
    public var sizeAdopters: [Int]
    public var sizeTotals: [Int]
    public var macro: MacroState
    public var spendThisTick: [String: Double]
    public var spendTotal: [String: Double]
    public var specialFundLeft: Double
    /// Highest critical-mass level (`Simulation.criticalMassLevels`) adoption has reached so far, 0 before the first.
    public var criticalMass: Double

    public var adoption: Double { firmCount == 0 ? 0 : Double(adopters) / Double(firmCount) }

    public static func share(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
}
