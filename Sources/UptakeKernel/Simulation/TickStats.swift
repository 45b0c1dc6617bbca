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

    public var adoption: Double { firmCount == 0 ? 0 : Double(adopters) / Double(firmCount) }

    public static func share(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    /// Tallies the firm table after a step.
    public static func tally(tick: Int, firms: FirmTable, sectorCount: Int, newAdopters: Int, macro: MacroState,
                             ledger: FiscalLedger, specialFundLeft: Double) -> TickStats {
        var stageCounts = [Int](repeating: 0, count: Stage.allCases.count)
        var catA = [Int](repeating: 0, count: 5), catT = [Int](repeating: 0, count: 5)
        var secA = [Int](repeating: 0, count: sectorCount), secT = [Int](repeating: 0, count: sectorCount)
        var sizeA = [Int](repeating: 0, count: 3), sizeT = [Int](repeating: 0, count: 3)
        firms.stage.withUnsafeBufferPointer { stage in
            for i in 0..<firms.count {
                let s = Int(stage[i])
                stageCounts[s] += 1
                let c = Int(firms.category[i]), sec = Int(firms.sector[i]), z = Int(firms.size[i])
                catT[c] += 1; secT[sec] += 1; sizeT[z] += 1
                if s == Int(Stage.adopted.rawValue) || s == Int(Stage.confirmed.rawValue) {
                    catA[c] += 1; secA[sec] += 1; sizeA[z] += 1
                }
            }
        }
        let adopters = stageCounts[Int(Stage.adopted.rawValue)] + stageCounts[Int(Stage.confirmed.rawValue)]
        return TickStats(tick: tick, firmCount: firms.count, stageCounts: stageCounts, adopters: adopters,
                         newAdopters: newAdopters, categoryAdopters: catA, categoryTotals: catT,
                         sectorAdopters: secA, sectorTotals: secT, sizeAdopters: sizeA, sizeTotals: sizeT,
                         macro: macro, spendThisTick: ledger.thisTick, spendTotal: ledger.total,
                         specialFundLeft: specialFundLeft)
    }
}
