import CSV
import Foundation
import UptakeKernel

/// Opens a CSV file named in a scenario, relative to the scenario's folder.
enum DataFile {
    static func open(_ path: String, baseDirectory: URL, reader: TableReader, key: String) throws -> (CSVReader, String)
    {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            throw reader.error(
                key, "cannot read '\(path)' (looked for \(url.path))",
                fix: "Check the file name; relative paths start from the scenario's folder")
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            let (line, byte) = firstInvalidUTF8(bytes)
            throw Diagnostic(
                file: url.path, line: line,
                problem: String(format: "the file is not UTF-8 text (byte 0x%02X on this line)", byte),
                fix: "Save it as UTF-8 (in Excel: Save As, \"CSV UTF-8\")")
        }
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw Diagnostic(
                file: url.path, line: 1, problem: "the file is empty",
                fix: "Write a header row (column names) and one row per record")
        }
        do {
            return (try CSVReader(string: text, hasHeaderRow: true, trimFields: true), url.path)
        } catch {
            throw Diagnostic(
                file: url.path, line: 1, problem: "not a readable CSV file (\(error))",
                fix: "Save it as comma-separated UTF-8 text with a header row")
        }
    }

    /// The line and value of the first byte that breaks UTF-8.
    static func firstInvalidUTF8(_ bytes: Data) -> (line: Int, byte: UInt8) {
        var line = 1
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == 0x0A { line += 1 }
            let length = b < 0x80 ? 1 : b >> 5 == 0x6 ? 2 : b >> 4 == 0xE ? 3 : b >> 3 == 0x1E ? 4 : 0
            guard length > 0, i + length <= bytes.endIndex,
                String(data: bytes[i..<(i + length)], encoding: .utf8) != nil
            else { return (line, b) }
            i += length
        }
        return (line, 0)
    }

    /// Checks that a data row has as many cells as the header.
    static func checkWidth(_ row: [String], header: [String], file: String, line: Int) throws {
        guard row.count == header.count else {
            throw Diagnostic(
                file: file, line: line,
                problem:
                    "the row has \(row.count) cell\(row.count == 1 ? "" : "s") where the header has \(header.count) (\(header.joined(separator: ",")))",
                fix: "Give every row one cell per column (leave a cell empty, with its comma, to use the default)")
        }
    }

    /// A finite number from a cell, or nil.
    static func finite(_ text: String) -> Double? {
        guard let d = Double(text), d.isFinite else { return nil }
        return d
    }
}

/// Firms from a CSV file: `id` and any of sector, size, region,
/// innovativeness, threshold, stage. Empty cells are drawn from the defaults.
enum FirmsFile {
    static let columns = ["id", "sector", "size", "region", "innovativeness", "threshold", "stage"]

    static func read(path: String, baseDirectory: URL, reader: TableReader) throws -> [FirmRecord] {
        let (csv, full) = try DataFile.open(path, baseDirectory: baseDirectory, reader: reader, key: "file")
        let header = (csv.headerRow ?? []).map { $0.lowercased() }
        guard header.contains("id") else {
            throw Diagnostic(
                file: full, line: 1,
                problem: "the firms file has no 'id' column (header: \(header.joined(separator: ",")))",
                fix: "Add a header row starting with id")
        }
        for column in header where !columns.contains(column) {
            throw Diagnostic(
                file: full, line: 1, problem: "unknown column '\(column)' in the firms file",
                fix: Suggestion.hint(for: column, in: columns).capitalizedFirst)
        }
        var records: [FirmRecord] = []
        var seen = Set<String>()
        var line = 1
        while let row = csv.next() {
            line += 1
            func cell(_ name: String) -> String? {
                guard let i = header.firstIndex(of: name), i < row.count, !row[i].isEmpty else { return nil }
                return row[i]
            }
            func bad(_ column: String, _ value: String, _ expected: String) -> Diagnostic {
                Diagnostic(
                    file: full, line: line, problem: "column '\(column)' has '\(value)', which is not \(expected)",
                    fix: "Correct the cell or leave it empty to use the default")
            }
            if row.allSatisfy(\.isEmpty) { continue }  // a blank line
            try DataFile.checkWidth(row, header: header, file: full, line: line)
            guard let id = cell("id") else {
                throw Diagnostic(file: full, line: line, problem: "a firm without an id", fix: "Give every row an id")
            }
            guard seen.insert(id).inserted else {
                throw Diagnostic(
                    file: full, line: line, problem: "firm id '\(id)' appears twice", fix: "Make ids unique")
            }
            var r = FirmRecord(id: id, sector: cell("sector"), region: cell("region"))
            if let s = cell("size") {
                guard let z = FirmSize(name: s) else { throw bad("size", s, "small, medium or large") }
                r.size = z
            }
            if let s = cell("innovativeness") {
                guard let d = DataFile.finite(s) else { throw bad("innovativeness", s, "a finite number") }
                r.innovativeness = d
            }
            if let s = cell("threshold") {
                guard let d = DataFile.finite(s) else { throw bad("threshold", s, "a finite number") }
                r.threshold = d
            }
            if let s = cell("stage") {
                guard let st = Stage(name: s) else {
                    throw bad("stage", s, "a stage (\(Stage.allCases.map(\.name).joined(separator: ", ")))")
                }
                r.stage = st
            }
            records.append(r)
        }
        if let error = csv.error { throw Diagnostic(file: full, line: line + 1, problem: "CSV error: \(error)") }
        guard !records.isEmpty else {
            throw Diagnostic(file: full, line: 1, problem: "the firms file has no rows", fix: "Add one row per firm")
        }
        return records
    }
}

/// Ties from a CSV file with columns source,target (firm ids of the firms
/// file, or firm numbers 0..N-1 for generated firms).
enum EdgesFile {
    static func read(
        path: String, baseDirectory: URL, firmIDs: [String]?, firmCount: Int, directed: Bool,
        reader: TableReader
    ) throws -> (sources: [UInt32], targets: [UInt32], directed: Bool) {
        let (csv, full) = try DataFile.open(path, baseDirectory: baseDirectory, reader: reader, key: "file")
        let header = (csv.headerRow ?? []).map { $0.lowercased() }
        guard let si = header.firstIndex(of: "source"), let ti = header.firstIndex(of: "target") else {
            throw Diagnostic(
                file: full, line: 1,
                problem:
                    "the edges file needs columns 'source' and 'target' (header: \(header.joined(separator: ",")))",
                fix: "Add the header row source,target")
        }
        let index = firmIDs.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, UInt32($0)) }) }
        var sources: [UInt32] = [], targets: [UInt32] = []
        var line = 1
        func firm(_ text: String) throws -> UInt32 {
            if let index {
                guard let i = index[text] else {
                    throw Diagnostic(
                        file: full, line: line, problem: "firm '\(text)' is not in the firms file",
                        fix: "Use ids from the firms file's id column")
                }
                return i
            }
            guard let n = Int(text), n >= 0, n < firmCount else {
                throw Diagnostic(
                    file: full, line: line, problem: "'\(text)' is not a firm number from 0 to \(firmCount - 1)",
                    fix: "Use firm numbers, or load firms from a file and use its ids")
            }
            return UInt32(n)
        }
        while let row = csv.next() {
            line += 1
            if row.allSatisfy(\.isEmpty) { continue }  // a blank line
            try DataFile.checkWidth(row, header: header, file: full, line: line)
            sources.append(try firm(row[si]))
            targets.append(try firm(row[ti]))
        }
        if let error = csv.error { throw Diagnostic(file: full, line: line + 1, problem: "CSV error: \(error)") }
        return (sources, targets, directed)
    }
}
