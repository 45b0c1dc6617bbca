import Foundation
import XCTest

@testable import UptakeBatch

/// A run's result crosses from a worker process to the batch as one line: every field comes
/// back exactly (values bit for bit, texts with tabs, newlines, backslashes, a lone "-" and
/// the empty text), and a damaged line is an error naming what is wrong, never a crash.
final class WorkerMessageTests: XCTestCase {
    func roundTrip(_ r: RunResult) throws -> RunResult {
        let line = WorkerMessage.encode(r)
        XCTAssertEqual(line.last, UInt8(ascii: "\n"))
        XCTAssertEqual(line.dropLast().filter { $0 == UInt8(ascii: "\n") }.count, 0, "one line")
        return try WorkerMessage.decode(line.dropLast())
    }

    func testEveryFieldComesBackExactly() throws {
        let values: [Double] = [0.25, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1e300, -7]
        // "\r\n" and a tab or backslash followed by a combining mark are one Character each.
        let texts = [
            "adoption", "-", "", "a\tb", "line\nbreak\r", "back\\slash", "\\e", "\\-", "Zürich 采用", "crlf\r\n",
            "\t\u{301}", "\\\u{301}x", "\\",
        ]
        for error in [nil, "-", "", "failed:\tbad\\ value\nat tick 3"] as [String?] {
            var r = RunResult(
                run: 12, point: -1, replicate: 3, seed: UInt64.max, status: error == nil ? .ok : .failed,
                error: error, ticks: 40, durationSeconds: 0.0125,
                outputs: zip(texts, values).map { ($0, $1) },
                series: (0..<30).map {
                    (tick: $0 - 2, metric: texts[$0 % 3 == 0 ? 0 : $0 % texts.count], value: values[$0 % values.count])
                })
            r.warnings = texts
            let back = try roundTrip(r)
            XCTAssertEqual(back.run, 12)
            XCTAssertEqual(back.point, -1)
            XCTAssertEqual(back.replicate, 3)
            XCTAssertEqual(back.seed, UInt64.max)
            XCTAssertEqual(back.status, r.status)
            XCTAssertEqual(back.error, error)
            XCTAssertEqual(back.ticks, 40)
            XCTAssertEqual(back.durationSeconds, 0.0125)
            XCTAssertEqual(back.outputs.map(\.metric), r.outputs.map(\.metric))
            XCTAssertEqual(back.outputs.map(\.value.bitPattern), r.outputs.map(\.value.bitPattern))
            XCTAssertEqual(back.series.map(\.tick), r.series.map(\.tick))
            XCTAssertEqual(back.series.map(\.metric), r.series.map(\.metric))
            XCTAssertEqual(back.series.map(\.value.bitPattern), r.series.map(\.value.bitPattern))
            XCTAssertEqual(back.warnings, texts)
        }
    }

    /// The line as the supervisor of an older build reads it: decimal integers, hexadecimal
    /// bit patterns in lowercase without leading zeros, escapes, tab-separated, one newline.
    func testTheLineIsWrittenAsDocumented() throws {
        var r = RunResult(
            run: 7, point: -2, replicate: 0, seed: 18_446_744_073_709_551_615, status: .failed, error: "-",
            ticks: 0, durationSeconds: 0, outputs: [("a\tb", 1.0)], series: [(-1, "", -0.0), (3, "x", .nan)])
        r.warnings = ["w\\"]
        let line = String(decoding: WorkerMessage.encode(r), as: UTF8.self)
        XCTAssertEqual(
            line,
            [
                "7", "-2", "0", "18446744073709551615", "failed", "\\-", "0", "0", "1", "a\\tb", "3ff0000000000000",
                "2", "-1", "\\e", "8000000000000000", "3", "x", String(Double.nan.bitPattern, radix: 16), "1", "w\\\\",
            ].joined(separator: "\t") + "\n")
    }

    func testADamagedLineIsAnErrorNotACrash() throws {
        let r = RunResult(
            run: 1, point: 0, replicate: 0, seed: 5, status: .ok, error: nil, ticks: 2, durationSeconds: 0.5,
            outputs: [("adoption", 0.5)], series: [(0, "adoption", 0.1), (1, "adoption", 0.2)])
        let line = String(decoding: WorkerMessage.encode(r).dropLast(), as: UTF8.self)
        var fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var damaged: [String] = ["", "\t\t\t", String(line.prefix(line.count / 2))]
        for (index, bad) in [
            (0, "x1"), (0, "99999999999999999999"), (3, "-1"), (7, "zz"), (7, "12345678901234567"),
            (8, "5"), (11, "3"),
        ] {
            let kept = fields[index]
            fields[index] = bad
            damaged.append(fields.joined(separator: "\t"))
            fields[index] = kept
        }
        for text in damaged {
            XCTAssertThrowsError(try WorkerMessage.decode(Data(text.utf8)), text) { error in
                XCTAssertTrue("\(error)".contains("a worker's result"), "\(error)")
            }
        }
        for (digits, value) in [("-9223372036854775808", Int.min), ("+7", 7), ("9223372036854775808", nil), ("-", nil)]
        {
            XCTAssertEqual(Array(digits.utf8).withUnsafeBufferPointer { WorkerMessage.decimal($0) }, value, digits)
        }
    }
}
