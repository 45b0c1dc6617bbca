/// Maps ticks to calendar labels. A tick is a quarter by default; tick 0 is
/// the start period, so a run of 40 quarterly ticks from 2023Q1 ends in 2032Q4.
///
///     let cal = try TickCalendar(start: "2023Q1", unit: .quarter)
///     cal.label(4)          // "2024Q1"
///     cal.tick(of: "2025Q1") // 8
public struct TickCalendar: Sendable, Equatable {
    public enum Unit: String, Sendable, CaseIterable {
        case quarter, month, year
        var periodsPerYear: Int { self == .quarter ? 4 : self == .month ? 12 : 1 }
    }

    public let unit: Unit
    public let startYear: Int
    public let startPeriod: Int  // 0-based quarter or month

    public struct InvalidDate: Error, CustomStringConvertible {
        public let text: String
        public let unit: Unit
        public var description: String {
            let example = unit == .quarter ? "\"2023Q1\"" : unit == .month ? "\"2023-01\"" : "\"2023\""
            return "'\(text)' is not a \(unit.rawValue) date; write it like \(example)"
        }
    }

    public init(start: String, unit: Unit) throws {
        self.unit = unit
        guard let (year, period) = TickCalendar.parse(start, unit: unit) else {
            throw InvalidDate(text: start, unit: unit)
        }
        startYear = year
        startPeriod = period
    }

    /// Years a date may name: enough for any study, and small enough that
    /// tick arithmetic never overflows whatever text a script passes.
    public static let years = 1...9999

    static func parse(_ text: String, unit: Unit) -> (Int, Int)? {
        guard text.utf8.count <= 16, let (year, period) = parseParts(text, unit: unit), years.contains(year) else {
            return nil
        }
        return (year, period)
    }

    private static func parseParts(_ text: String, unit: Unit) -> (Int, Int)? {
        switch unit {
        case .quarter:
            let parts = text.uppercased().split(separator: "Q", omittingEmptySubsequences: false)
            guard parts.count == 2, let y = Int(parts[0]), let q = Int(parts[1]), (1...4).contains(q) else {
                return nil
            }
            return (y, q - 1)
        case .month:
            let parts = text.split(separator: "-")
            guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
                return nil
            }
            return (y, m - 1)
        case .year:
            guard let y = Int(text) else { return nil }
            return (y, 0)
        }
    }

    /// The calendar label of a tick.
    public func label(_ tick: Int) -> String {
        let n = unit.periodsPerYear
        let absolute = startYear * n + startPeriod + tick
        let year = absolute >= 0 ? absolute / n : (absolute - n + 1) / n
        let period = absolute - year * n
        switch unit {
        case .quarter: return "\(year)Q\(period + 1)"
        case .month: return "\(year)-\(period + 1 < 10 ? "0" : "")\(period + 1)"
        case .year: return "\(year)"
        }
    }

    /// The tick of a calendar label, or nil when it is not a valid date.
    /// Labels of another unit are accepted too and mean the period of this
    /// calendar in which they begin: in a monthly run "2025Q2" is April 2025,
    /// in a yearly run "2025-07" is 2025. So a plugin whose dates are written
    /// in quarters works in monthly and yearly scenarios as well.
    public func tick(of label: String) -> Int? {
        let n = unit.periodsPerYear
        for source in [unit] + Unit.allCases.filter({ $0 != unit }) {
            guard let (y, p) = TickCalendar.parse(label, unit: source) else { continue }
            let firstMonth = p * 12 / source.periodsPerYear
            return (y * n + firstMonth * n / 12) - (startYear * n + startPeriod)
        }
        return nil
    }

    /// The last tick that falls in a calendar year.
    public func lastTick(ofYear year: Int) -> Int {
        let n = unit.periodsPerYear
        return (year * n + n - 1) - (startYear * n + startPeriod)
    }

    /// Length of a tick in years (for annual rates).
    public var yearsPerTick: Double { 1.0 / Double(unit.periodsPerYear) }
}
