import UptakeKernel
import XCTest

@testable import UptakeReport

/// series.csv read back: exactly what was written, and a damaged file
/// refused with its line.
final class SeriesCSVReaderTests: XCTestCase {
    func testATableReadsBackAsWritten() throws {
        let table = OutputTable(
            names: ["adopters", "adoption", "spend_a,\"b\"", "spend_x\ny", "probe"],
            rows: [[1, 0.125, 0, 0, .nan], [3, 1.0 / 3.0, 1e9, -2.5, .infinity]], dates: ["2023Q1", "2023Q2"])
        let read = try SeriesCSVReader.parse(SeriesCSV.text(table), file: "s.csv")
        XCTAssertEqual(read.names, table.names)
        XCTAssertEqual(read.dates, table.dates)
        XCTAssertEqual(read.rows[0][0], 1)
        XCTAssertTrue(read.rows[0][4].isNaN)
        XCTAssertEqual(read.rows[1][4], .infinity)
        XCTAssertEqual(read.rows[1][1], 0.333333333)
        XCTAssertEqual(SeriesCSV.roundTrip(read), read, "a table read back reads back the same again")
        let empty = OutputTable(names: ["a"], rows: [], dates: [])
        XCTAssertEqual(try SeriesCSVReader.parse(SeriesCSV.text(empty), file: "s.csv"), empty)
    }

    func testADamagedFileIsRefusedWithItsLine() {
        let cases: [(String, String)] = [
            ("", "s.csv: the file is empty"),
            ("a,b\n", "s.csv:1: the header does not start with tick,date"),
            ("tick,date,x\n0,2023Q1,1\n1,2023Q2", "s.csv:3: this row has 2 fields, the header 3"),
            ("tick,date,x\n0,2023Q1,1\n1,2023Q2,1,4\n", "s.csv:3: this row has 4 fields, the header 3"),
            ("tick,date,x\n0,2023Q1,abc\n", "s.csv:2: 'abc' in column x is not a number"),
            ("tick,date,x\n0,2023Q1,nan\n", "s.csv:2: 'nan' in column x is not a number"),
            ("tick,date,x\n5,2023Q1,1\n", "s.csv:2: the tick is '5', expected 0 (ticks count from 0)"),
            ("tick,date,\"x\n0,2023Q1,1\n", "s.csv:1: a quoted field is never closed"),
            ("tick,date,\"x\"y\n", "s.csv:1: text follows a closing quote in a field"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try SeriesCSVReader.parse(text, file: "s.csv"), expected) { error in
                let line = "\(error)"
                XCTAssertTrue(line.hasPrefix(expected + ". It is not a series.csv"), "\(expected) <> \(line)")
                XCTAssertTrue(line.hasSuffix("run the scenario again with uptake run SCENARIO --out FOLDER"), line)
            }
        }
    }

    func testRowsAfterAQuotedLineEndCountTheirLines() {
        let text = "tick,date,\"a\nb\"\n0,2023Q1,1\n1,2023Q2\n"
        XCTAssertThrowsError(try SeriesCSVReader.parse(text, file: "s.csv")) { error in
            XCTAssertEqual((error as? InputFileError)?.line, 4)
        }
    }

    func testARunRecordIsReadLeniently() throws {
        let json =
            #"{"scenario":{"name":"n","file":"f.lua"},"seed":"7","firms":20,"plugins":[{"name":"p","version":"1.0.0"}],"uptake_version":"uptake 0.2.0 (commit abc)","ticks":"not a number"}"#
        let record = try RunRecord(json: Data(json.utf8), file: "run.json")
        XCTAssertEqual(record.scenarioName, "n")
        XCTAssertEqual(record.seed, "7")
        XCTAssertEqual(record.firms, 20)
        XCTAssertNil(record.ticks)
        XCTAssertEqual(record.plugins, [.init(name: "p", version: "1.0.0")])
        XCTAssertEqual(record.program, "uptake 0.2.0 (commit abc)")
        XCTAssertThrowsError(try RunRecord(json: Data("{\"seed\":".utf8), file: "out/run.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("out/run.json: this is not valid JSON. "), "\(error)")
        }
        XCTAssertThrowsError(try RunRecord(json: Data("[1]".utf8), file: "run.json"))
    }
}
