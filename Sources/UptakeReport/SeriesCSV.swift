import Foundation
import UptakeKernel

/// series.csv: a run's `OutputTable` as text, `tick` and `date` first. Every
/// number goes through `format`, so every writer of a number for machines
/// (series.csv, firms.csv, a batch's tidy exports) spells it the same way.
public enum SeriesCSV {
    public static func text(_ table: OutputTable) -> String {
        // Names from plugins (accounts, metrics) and scenarios (sectors) may hold a comma or a quote.
        var out = (["tick", "date"] + table.names.map(SeriesWriter.csvEscape)).joined(separator: ",") + "\n"
        for (t, row) in table.rows.enumerated() {
            out += ([String(t), table.dates[t]] + row.map(format)).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The shortest text that reads back to the same value at 9 significant
    /// digits; whole numbers without a decimal point; NaN (a metric not
    /// recorded in that tick) as an empty cell.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.9g", x)
    }
}

extension SeriesCSV {
    /// The table as series.csv holds it: written as text and read back, so
    /// that a report made while running and one made later from the file
    /// see exactly the same numbers (the text keeps 9 significant digits).
    public static func roundTrip(_ table: OutputTable) -> OutputTable {
        // SeriesCSV writes what the reader reads; failing here is a bug in one of them.
        guard let read = try? SeriesCSVReader.parse(text(table), file: "series.csv") else {
            fatalError("series.csv text that SeriesCSVReader cannot read back")
        }
        return read
    }
}
