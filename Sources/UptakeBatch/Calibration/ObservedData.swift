import Foundation
import UptakeKernel
import UptakeReport
import UptakeScripting

/// The series a calibration fits: a CSV file with the columns `date`,
/// `segment`, `value` and optionally `se` (standard error, same unit as
/// value) and `source`. A date is a calendar label of the scenario's
/// calendar (`2024Q4`) or a year (`2024`, meaning the year's first tick: surveys such as
/// Eurostat's ICT usage in enterprises collect their answers in the first quarter of the year).
///
///     date,segment,value,se,source
///     2023,all,0.080,0.005,"Eurostat isoc_eb_ai, EU27, 2023"
public struct ObservedData: Sendable {
    public struct Point: Sendable, Equatable {
        public var date: String
        public var segment: String
        public var value: Double
        public var standardError: Double?
        /// The CSV line, for messages.
        public var line: Int
    }

    public var file: String
    public var points: [Point]

    public static func read(_ file: String) throws -> ObservedData {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw Diagnostic(
                file: file, problem: "cannot read the observed data", fix: "Check the path given as data = ...")
        }
        // One CSV reader for the project's files (quoted fields, line ends inside quotes, unclosed quotes reported).
        let rows = try SeriesCSVReader.records(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, file: file)
        guard let header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw Diagnostic(
                file: file, problem: "the observed data is empty", fix: "Write a header date,segment,value[,se]")
        }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let date = column("date"), let segment = column("segment"), let value = column("value") else {
            throw Diagnostic(
                file: file, line: 1, problem: "the header needs the columns date, segment and value (and may have se)",
                fix: "Write a first line date,segment,value,se")
        }
        let se = column("se")
        var points: [Point] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            func cell(_ i: Int) -> String {
                i < row.fields.count ? row.fields[i].trimmingCharacters(in: .whitespaces) : ""
            }
            guard let v = Double(cell(value)), v.isFinite else {
                throw Diagnostic(
                    file: file, line: row.line, problem: "value '\(cell(value))' is not a number",
                    fix: "Write shares as numbers from 0 to 1, e.g. 0.08 for 8%")
            }
            var error: Double?
            if let se, !cell(se).isEmpty {
                guard let s = Double(cell(se)), s.isFinite, s > 0 else {
                    throw Diagnostic(
                        file: file, line: row.line, problem: "se '\(cell(se))' is not a positive number",
                        fix: "Leave it empty for the default, or write e.g. 0.005")
                }
                error = s
            }
            guard !cell(date).isEmpty, !cell(segment).isEmpty else {
                throw Diagnostic(file: file, line: row.line, problem: "a row needs a date and a segment")
            }
            points.append(
                Point(date: cell(date), segment: cell(segment), value: v, standardError: error, line: row.line))
        }
        guard !points.isEmpty else {
            throw Diagnostic(
                file: file, problem: "the observed data has no rows", fix: "Add at least one date,segment,value row")
        }
        return ObservedData(file: file, points: points)
    }

    /// The tick of a data date in `calendar` (a year is its first tick: the calendar reads "2024" as a
    /// yearly label, which begins in January); nil outside the run.
    public static func tick(of date: String, in calendar: TickCalendar, ticks: Int) -> Int? {
        guard let t = calendar.tick(of: date), (0..<ticks).contains(t) else { return nil }
        return t
    }
}
