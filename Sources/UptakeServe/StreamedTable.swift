import Foundation
import UptakeKernel

/// A run's per-tick table as its rows arrive from `uptake run
/// --stream-ticks`, with the shape of `OutputTable` (names, rows, dates) so
/// that the charts of a finished run and of one under way are drawn alike.
///
/// A row names the columns known at its tick: an account first booked
/// later, or a metric first recorded later, is missing from earlier rows.
/// Such cells are what series.csv has there: 0 for an account
/// (`spend_...`), empty (NaN) for a metric.
struct StreamedTable: Sendable {
    private(set) var names: [String] = []
    private(set) var rows: [[Double]] = []
    private(set) var dates: [String] = []
    /// Each row as received, by column name.
    private var cells: [[String: Double]] = []

    /// Adds one line of `--stream-ticks`; false if it is not such a line.
    mutating func append(line: String) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["tick"] is NSNumber, let date = object["date"] as? String
        else { return false }
        var row: [String: Double] = [:]
        for (name, value) in object where name != "tick" && name != "date" {
            row[name] = (value as? NSNumber)?.doubleValue ?? .nan
        }
        cells.append(row)
        dates.append(date)
        let known = Set(names)
        if row.keys.contains(where: { !known.contains($0) }) {
            // A new column: every row is laid out again (rare: a run's first ticks).
            names = StreamedTable.order(known.union(row.keys))
            rows = cells.map(layout)
        } else {
            rows.append(layout(row))
        }
        return true
    }

    private func layout(_ row: [String: Double]) -> [Double] {
        names.map { row[$0] ?? StreamedTable.missing($0) }
    }

    /// The values of one column, tick by tick.
    func column(_ name: String) -> [Double]? {
        guard let i = names.firstIndex(of: name) else { return nil }
        return rows.map { $0[i] }
    }

    /// The last row, by name (NaN as nil, for JSON).
    var lastRow: [String: Double?] {
        guard let last = rows.last else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(names, last.map { $0.isFinite ? $0 : nil }))
    }

    /// series.csv's order as far as the schema fixes it (its columns that
    /// do not depend on the scenario's sectors), then the rest by name.
    static func order(_ names: Set<String>) -> [String] {
        let fixed = OutputSchema.columns(sectors: []).map(\.name).filter(names.contains)
        return fixed + names.subtracting(fixed).sorted()
    }

    static func missing(_ name: String) -> Double {
        name.hasPrefix(OutputSchema.accountPrefix) ? 0 : .nan
    }
}
