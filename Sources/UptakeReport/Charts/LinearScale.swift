import Foundation

/// Maps values onto a stretch of the drawing, with "nice" ticks (1, 2 or
/// 5 times a power of ten apart) that cover the values.
///
/// Whatever the values, the scale is usable: no values, NaN, one value or
/// a constant column give a small range around the value (or 0...1), so a
/// chart of an empty or flat series draws a flat line instead of dividing
/// by zero; values too large to subtract are halved first.
struct LinearScale {
    /// The values at the two ends of the axis (lower < upper, both finite).
    let lower: Double
    let upper: Double
    /// The drawing coordinates of `lower` and `upper`.
    let start: Double
    let end: Double
    /// The tick values, from lower to upper.
    let ticks: [Double]

    /// A scale that covers the finite `values` (and 0 when `includeZero`),
    /// widened to nice ticks, about `tickCount` of them; `fixed` bounds win.
    init(
        values: [Double], includeZero: Bool = false, fixed: ClosedRange<Double>? = nil, tickCount: Int = 5,
        start: Double, end: Double
    ) {
        self.start = start
        self.end = end
        var finite = values.filter(\.isFinite)
        if includeZero { finite.append(0) }
        var low = fixed?.lowerBound ?? finite.min() ?? 0
        var high = fixed?.upperBound ?? finite.max() ?? 1
        if let fixed {
            // Values outside the fixed range widen it (a share above 1 is a bug to show, not to hide).
            low = min(low, finite.min() ?? fixed.lowerBound)
            high = max(high, finite.max() ?? fixed.upperBound)
        }
        if !(high - low > max(abs(low), abs(high)) * 1e-12) {
            // Constant: 10% around the value (from 0 when zero is included), or 0...1 for 0.
            let value = low
            let pad = value == 0 ? 1 : abs(value) * 0.1
            (low, high) = (value == 0 ? 0 : value - pad, value + pad)
            if includeZero && value > 0 { low = 0 }
            if includeZero && value < 0 { high = 0 }
        }
        let step = LinearScale.niceStep((high / 2 - low / 2) * 2 / Double(max(1, tickCount)))
        if step.isFinite && step > 0 {
            let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
            if last - first <= 1000 {
                let fixedEnds = fixed != nil && fixed!.lowerBound <= low && fixed!.upperBound >= high
                let (bottom, top) = fixedEnds ? (low, high) : (first * step, last * step)
                lower = bottom
                upper = top
                // k * 0.2 is 0.6000000000000001 for k = 3: rounded to the step's decimals, ticks are the numbers named.
                let unit = pow(10, max(0, -log10(step).rounded(.down) + 1))
                ticks = stride(from: first, through: last, by: 1).map { ($0 * step * unit).rounded() / unit }.filter {
                    $0 >= bottom - step * 1e-9 && $0 <= top + step * 1e-9
                }
                return
            }
        }
        lower = low
        upper = high
        ticks = [low, high]
    }

    /// 1, 2 or 5 times a power of ten, the nearest at or above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return .nan }
        let power = pow(10, (log10(rough)).rounded(.down))
        let fraction = rough / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    /// The drawing coordinate of `value`, always finite.
    func callAsFunction(_ value: Double) -> Double {
        var fraction = (value - lower) / (upper - lower)
        if !fraction.isFinite { fraction = (value / 2 - lower / 2) / (upper / 2 - lower / 2) }
        if !fraction.isFinite { fraction = value > lower ? 1 : 0 }
        // Far outside the axis (a single wild value): kept just off the drawing.
        fraction = min(max(fraction, -1), 2)
        return start + fraction * (end - start)
    }
}
