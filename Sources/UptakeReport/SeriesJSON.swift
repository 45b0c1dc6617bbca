import Foundation
import UptakeKernel

/// One row of a run's `OutputTable` as one line of JSON, for a program that
/// follows a run as it goes (`uptake run --stream-ticks`, which `uptake
/// serve` reads): the keys are series.csv's columns in its order, `tick`
/// and `date` first, and each number is spelt as series.csv spells it
/// (`SeriesCSV.format`), except that a cell series.csv leaves empty (a
/// metric not recorded in that tick) or an infinite value is `null`.
///
///     {"tick":0,"date":"2023Q1","firms":20000,"adopters":1000,"adoption":0.05,...}
public enum SeriesJSON {
    /// Row `tick` of `table`, with its newline.
    public static func line(_ table: OutputTable, tick: Int) -> String {
        var fields = ["\"tick\":\(tick)", "\"date\":" + quoted(table.dates[tick])]
        for (name, value) in zip(table.names, table.rows[tick]) {
            fields.append(quoted(name) + ":" + (value.isFinite ? SeriesCSV.format(value) : "null"))
        }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// A JSON string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
