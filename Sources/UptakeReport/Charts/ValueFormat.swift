/// How the numbers of a value axis (and of a chart's tooltips) are written,
/// all through `Readable`, so a chart reads like `uptake results`.
public enum ValueFormat: Sendable, Equatable {
    /// Plain numbers: "2,643", "0.512".
    case number
    /// A share 0..1 written as a percentage: 0.16 -> "16%".
    case percent
    /// Yuan: every tick of an axis in one unit (yuan, "m" or "bn"), chosen
    /// from the largest; the axis title says "yuan (m = million, bn = billion)".
    case yuan

    /// One value for a tooltip or a label: "16%", "13.8 m yuan", "2,643".
    public func text(_ x: Double) -> String {
        switch self {
        case .number: return Readable.number(x)
        case .percent: return Readable.percent(x)
        case .yuan: return Readable.yuan(x)
        }
    }

    /// The tick labels of an axis: the same unit for all, as many decimals as their spacing needs.
    func tickLabels(_ ticks: [Double]) -> [String] {
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 0
        switch self {
        case .number:
            return ticks.map { Readable.axisNumber($0, step: step) }
        case .percent:
            return ticks.map { Readable.axisNumber($0 * 100, step: step * 100) + "%" }
        case .yuan:
            let largest = ticks.map(abs).max() ?? 0
            let (scale, suffix) = largest >= 1e9 ? (1e9, " bn") : largest >= 1e6 ? (1e6, " m") : (1, "")
            return ticks.map { $0 == 0 ? "0" : Readable.axisNumber($0 / scale, step: step / scale) + suffix }
        }
    }
}
