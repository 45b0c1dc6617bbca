/// The ticks of a time axis, labelled with the run's own dates ("2023Q1",
/// "2024-07", "2030"). Ticks fall on the first period of a year when the
/// spacing is a year or more, so a quarterly axis reads 2024Q1, 2026Q1,
/// 2028Q1 rather than 2023Q3, 2025Q3; a run of a few ticks labels each.
struct DateAxis {
    /// Tick indices (into the dates) and their labels.
    let ticks: [(index: Int, label: String)]
    /// What one step of the axis is: "quarter", "month", "year" or "tick".
    let unit: String

    init(dates: [String], maximumLabels: Int) {
        let perYear = DateAxis.periodsPerYear(dates)
        unit = perYear == 4 ? "quarter" : perYear == 12 ? "month" : perYear == 1 ? "year" : "tick"
        guard !dates.isEmpty else {
            ticks = []
            return
        }
        let candidates: [Int]
        switch perYear {
        case 4: candidates = [1, 2, 4, 8, 12, 20, 40, 80, 200, 400, 800, 2000, 4000]
        case 12: candidates = [1, 3, 6, 12, 24, 36, 60, 120, 240, 600, 1200, 2400, 6000]
        default: candidates = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
        }
        let limit = max(2, maximumLabels)
        let step = candidates.first { (dates.count - 1) / $0 + 1 <= limit } ?? max(1, dates.count / limit)
        // A step of whole years starts at the first start of a year.
        var first = 0
        if let perYear, perYear > 1, step % perYear == 0 {
            first = dates.indices.first { DateAxis.isStartOfYear(dates[$0]) } ?? 0
            first %= step
        }
        ticks = stride(from: first, to: dates.count, by: step).map { ($0, dates[$0]) }
    }

    /// 4 for quarters ("2023Q1"), 12 for months ("2023-01"), 1 for years
    /// ("2023"), nil for labels of another kind (or of mixed kinds).
    static func periodsPerYear(_ dates: [String]) -> Int? {
        guard let sample = dates.first else { return nil }
        func kind(_ d: String) -> Int? {
            let u = Array(d.utf8)
            let digits = { (r: Range<Int>) in r.allSatisfy { u[$0] >= 48 && u[$0] <= 57 } }
            guard u.count >= 4, digits(0..<4) else { return nil }
            if u.count == 4 { return 1 }
            if u.count == 6, u[4] == UInt8(ascii: "Q"), digits(5..<6) { return 4 }
            if u.count == 7, u[4] == UInt8(ascii: "-"), digits(5..<7) { return 12 }
            return nil
        }
        let k = kind(sample)
        return dates.allSatisfy { kind($0) == k } ? k : nil
    }

    static func isStartOfYear(_ date: String) -> Bool { date.hasSuffix("Q1") || date.hasSuffix("-01") }
}
