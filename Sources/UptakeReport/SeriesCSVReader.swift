import Foundation
import UptakeKernel

/// Reads a run's series.csv back into an `OutputTable`, for `uptake report`
/// and the explorer. It takes what `SeriesCSV` writes: a header `tick,date,`
/// and the column names, then one row per tick with the same number of
/// fields; numbers as written (an empty cell is NaN, `inf` and `-inf`
/// infinities). Fields may be quoted as in RFC 4180 (names from plugins can
/// hold commas).
///
/// A file that is not such a table is refused with the file, the line and
/// what is wrong, never half read: a copy cut short ends in the middle of a
/// row, and says so.
public enum SeriesCSVReader {
    /// What to do about a series file that cannot be read.
    static let fix =
        "It is not a series.csv as uptake run writes it (damaged, or cut short?): "
        + "run the scenario again with uptake run SCENARIO --out FOLDER"

    static func failure(_ file: String, line: Int? = nil, _ problem: String) -> InputFileError {
        InputFileError(file: file, line: line, problem: problem, fix: fix)
    }

    /// The table in the file at `path` (`display` names it in errors).
    public static func read(path: String, display: String? = nil) throws -> OutputTable {
        let shown = display ?? path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw failure(shown, "cannot read it (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw failure(shown, "the file is not UTF-8 text")
        }
        return try parse(text, file: shown)
    }

    /// The table in `text`; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> OutputTable {
        let records = try records(text, file: file)
        guard let (headerLine, header) = records.first else {
            throw failure(file, "the file is empty")
        }
        guard header.count >= 2, header[0] == "tick", header[1] == "date" else {
            throw failure(file, line: headerLine, "the header does not start with tick,date")
        }
        let names = Array(header.dropFirst(2))
        var rows: [[Double]] = []
        var dates: [String] = []
        for (line, fields) in records.dropFirst() {
            guard fields.count == header.count else {
                throw failure(file, line: line, "this row has \(fields.count) fields, the header \(header.count)")
            }
            guard Int(fields[0]) == rows.count else {
                throw failure(
                    file, line: line,
                    "the tick is '\(fields[0].prefix(20))', expected \(rows.count) (ticks count from 0)")
            }
            var row: [Double] = []
            row.reserveCapacity(names.count)
            for (k, field) in fields.dropFirst(2).enumerated() {
                guard let value = number(field) else {
                    throw failure(
                        file, line: line, "'\(field.prefix(30))' in column \(names[k].prefix(64)) is not a number")
                }
                row.append(value)
            }
            rows.append(row)
            dates.append(fields[1])
        }
        return OutputTable(names: names, rows: rows, dates: dates)
    }

    /// A cell as `SeriesCSV.format` writes it: empty for NaN, inf, -inf, or a number.
    static func number(_ field: String) -> Double? {
        switch field {
        case "": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        default:
            // Double("nan") and Double("0x1p3") parse, but SeriesCSV never writes them.
            guard field.utf8.allSatisfy({ "0123456789+-.eE".utf8.contains($0) }), let value = Double(field) else {
                return nil
            }
            return value
        }
    }

    /// The records of a CSV text with the line each starts on: fields split
    /// at commas, quoted fields ("a,b", "say ""hi""") kept whole, even
    /// across line ends; blank lines and a final line end ignored.
    public static func records(_ text: String, file: String) throws -> [(line: Int, fields: [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, afterQuote = false, fieldStarted = false
        var line = 1, recordLine = 1
        func endRecord() {
            if fieldStarted || !fields.isEmpty || !field.isEmpty {
                fields.append(field)
                records.append((recordLine, fields))
            }
            fields = []
            field = ""
            fieldStarted = false
        }
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let c = pending {
            pending = scalars.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = scalars.next()
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
                fieldStarted = true
            case "\r" where pending == "\n":
                continue
            case "\n":
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
                fieldStarted = true
            default:
                if afterQuote {
                    throw failure(file, line: line, "text follows a closing quote in a field")
                }
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if quoted { throw failure(file, line: recordLine, "a quoted field is never closed") }
        endRecord()
        return records.map { (line: $0.0, fields: $0.1) }
    }
}
